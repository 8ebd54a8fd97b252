import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';
import { startServer } from './server.js';

let server: Awaited<ReturnType<typeof startServer>>;
const dir = tempDir('mstf-datasets-cli-');
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** The one error line the CLI prints (other lines on stderr, e.g. Node warnings, are not ours). */
function errorLines(stderr: string): string[] {
  return stderr.split('\n').filter((l) => /^mstf: [A-Z_]+: /.test(l));
}

describe('mstf datasets (built CLI)', () => {
  it('list --json: every dataset, BreastMNIST 28 present from the embedded copy', async () => {
    const dataDir = path.join(dir, 'empty');
    const r = await runCli(['datasets', 'list', '--json', '--data-dir', dataDir], { cwd: dir });
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout) as {
      id: string;
      task: string;
      splits: Record<string, number>;
      present: { size: number; embedded: boolean }[];
    }[];
    const ids = rows.map((x) => x.id).sort();
    expect(ids).toEqual(
      [
        'bloodmnist',
        'breastmnist',
        'cbis-ddsm',
        'chestmnist',
        'dermamnist',
        'octmnist',
        'organamnist',
        'organcmnist',
        'organsmnist',
        'pathmnist',
        'pneumoniamnist',
        'retinamnist',
        'tissuemnist',
      ].sort(),
    );
    const breast = rows.find((x) => x.id === 'breastmnist')!;
    expect(breast.splits).toEqual({ train: 546, val: 78, test: 156 });
    expect(breast.present).toMatchObject([{ size: 28, embedded: true }]);
    expect(rows.find((x) => x.id === 'pathmnist')!.present).toEqual([]);
  });

  it('info --json: labels, URLs, MD5s', async () => {
    const r = await runCli(['datasets', 'info', 'chestmnist', '--json', '--data-dir', path.join(dir, 'empty')], {
      cwd: dir,
    });
    expect(r.code).toBe(0);
    const d = JSON.parse(r.stdout);
    expect(d.task).toBe('multi-label');
    expect(d.labelNames).toHaveLength(14);
    expect(d.files[0]).toMatchObject({
      size: 28,
      url: 'https://zenodo.org/records/10519652/files/chestmnist.npz?download=1',
      md5: '02c8a6516a18b556561a56cbdd36c4a8',
      local: null,
    });
    expect(d.files.map((f: { size: number }) => f.size)).toEqual([28, 64, 128, 224]);
  });

  it('fetch --json from a local mirror: progress lines then the result; the file is in place', async () => {
    const dataDir = path.join(dir, 'fetched');
    const r = await runCli(['datasets', 'fetch', 'breastmnist', '--json', '--data-dir', dataDir], {
      cwd: dir,
      env: { MSTF_MEDMNIST_BASE_URL: `${server.base}/files` },
    });
    expect(r.code).toBe(0);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const done = lines[lines.length - 1];
    expect(done).toMatchObject({
      event: 'done',
      id: 'breastmnist',
      size: 28,
      md5: '750601b1f35ba3300ea97c75c52ff8f6',
      bytes: 559580,
      alreadyPresent: false,
    });
    expect(lines.slice(0, -1).every((l) => l.event === 'progress')).toBe(true);
    expect(fs.readdirSync(path.join(dataDir, 'medmnist'))).toEqual(['breastmnist.npz']);
  });

  const failing: [string, string, RegExp][] = [
    [
      'truncated',
      '/truncated',
      /^mstf: DOWNLOAD_FAILED: breastmnist \(28x28\): download failed: truncated \(got \d+ of 559580 bytes/,
    ],
    ['404', '/status/404', /^mstf: DOWNLOAD_FAILED: breastmnist \(28x28\): download failed: HTTP 404 Not Found/],
  ];
  for (const [name, route, re] of failing) {
    it(`fetch failure (${name}): exit 1, one error line, no partial file`, async () => {
      const dataDir = path.join(dir, `fail-${name}`);
      const r = await runCli(['datasets', 'fetch', 'breastmnist', '--data-dir', dataDir], {
        cwd: dir,
        env: { MSTF_MEDMNIST_BASE_URL: `${server.base}${route}` },
      });
      expect(r.code).toBe(1);
      const errs = errorLines(r.stderr);
      expect(errs).toHaveLength(1);
      expect(errs[0]).toMatch(re);
      expect(fs.readdirSync(path.join(dataDir, 'medmnist'))).toEqual([]);
    });
  }

  it('fetch of CBIS-DDSM explains the manual download', async () => {
    const r = await runCli(['datasets', 'fetch', 'cbis-ddsm', '--data-dir', path.join(dir, 'cbis')], { cwd: dir });
    expect(r.code).toBe(1);
    expect(errorLines(r.stderr)).toEqual([
      expect.stringMatching(/^mstf: [A-Z_]+: cbis-ddsm cannot be downloaded by mstf: download it from TCIA/),
    ]);
  });
});
