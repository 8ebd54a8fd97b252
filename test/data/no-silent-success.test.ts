/**
 * Bad data is reported before any work starts: a split without images, a file that is not the official one
 * (warning; refused under --strict-data), and a search in which no candidate could be scored ends `failed`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootKernel, resolveSettings, type Kernel } from '../../core/kernel/index.js';
import { builtinPlugins } from '../../plugins/index.js';
import { loadSplit } from '../../core/data/batch.js';
import { verifyDatasetFile } from '../../core/data/verify.js';
import { md5File } from '../../core/data/md5.js';
import { RunStore } from '../../core/store/run-store.js';
import { MstfError } from '../../core/errors.js';
import { npyBytes, writeZip } from './fixtures.js';
import { repoRoot, runCli, tempDir } from '../helpers/cli.js';

/** A BreastMNIST-shaped .npz (28x28 grey, labels (N, 1)) with `train` images in its train split. */
function breastNpz(train: number): Buffer {
  const split = (name: string, n: number) => {
    const images = new Uint8Array(n * 28 * 28);
    for (let i = 0; i < images.length; i++) images[i] = (i * 37) % 256;
    const labels = new Uint8Array(n).map((_, i) => i % 2);
    return [
      { name: `${name}_images.npy`, data: npyBytes('|u1', [n, 28, 28], images), method: 0 as const },
      { name: `${name}_labels.npy`, data: npyBytes('|u1', [n, 1], labels), method: 0 as const },
    ];
  };
  return writeZip([...split('train', train), ...split('val', 4), ...split('test', 4)]);
}

/** The one `mstf: <code>: ...` line on stderr (warnings are `mstf: warning: ...`). */
const errorLines = (stderr: string) => stderr.split('\n').filter((l) => /^mstf: [A-Z_]+: /.test(l));

let dir: string;
let kernel: Kernel;
const OFFICIAL_MD5_28 = '750601b1f35ba3300ea97c75c52ff8f6'; // breastmnist.npz, medmnist/info.py

beforeAll(async () => {
  dir = tempDir('mstf-bad-data-');
  for (const [name, train] of [
    ['empty', 0],
    ['edited', 20],
  ] as const) {
    fs.mkdirSync(path.join(dir, name, 'medmnist'), { recursive: true });
    fs.writeFileSync(path.join(dir, name, 'medmnist', 'breastmnist.npz'), breastNpz(train));
  }
  kernel = await bootKernel({
    settings: resolveSettings({ cwd: dir, dataDir: path.join(dir, 'edited') }),
    builtins: builtinPlugins,
    config: {},
  });
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('dataset files that are not the official ones', () => {
  it('warn once per file with both checksums, and refuse under --strict-data', async () => {
    const ds = kernel.registry('dataset').get('breastmnist');
    const loc = { dataDir: path.join(dir, 'edited') };
    const file = path.join(loc.dataDir, 'medmnist', 'breastmnist.npz');
    const actual = await md5File(file);
    expect(actual).not.toBe(OFFICIAL_MD5_28);
    const warnings: string[] = [];
    await verifyDatasetFile(ds, loc, 28, { warn: (l) => warnings.push(l) });
    await verifyDatasetFile(ds, loc, 28, { warn: (l) => warnings.push(l) });
    expect(warnings).toEqual([
      `mstf: warning: ${file}: MD5 ${actual} differs from the official breastmnist (28x28) file's ${OFFICIAL_MD5_28}; results may not match published ones (--strict-data refuses such files)`,
    ]);
    const strict = verifyDatasetFile(ds, loc, 28, { strict: true });
    await expect(strict).rejects.toThrow(MstfError);
    await expect(verifyDatasetFile(ds, loc, 28, { strict: true })).rejects.toMatchObject({ code: 'CHECKSUM_MISMATCH' });
  });

  it('the official file shipped with mstf passes silently, also under --strict-data', async () => {
    const ds = kernel.registry('dataset').get('breastmnist');
    const warnings: string[] = [];
    const loc = { dataDir: path.join(dir, 'nothing-here') }; // falls back to the embedded copy
    await verifyDatasetFile(ds, loc, 28, { strict: true, warn: (l) => warnings.push(l) });
    expect(warnings).toEqual([]);
    expect(await md5File(path.join(repoRoot, 'data', 'medmnist', 'breastmnist.npz'))).toBe(OFFICIAL_MD5_28);
  });
});

describe('a split without images', () => {
  it('is refused when it is loaded, before any work', async () => {
    const k = { ...kernel, settings: { ...kernel.settings, dataDir: path.join(dir, 'empty') } };
    await expect(loadSplit(k, 'breastmnist', 'train')).rejects.toThrow(/^breastmnist: the train split has no images/);
    const val = await loadSplit(k, 'breastmnist', 'val');
    expect(val.data.shape).toEqual([4, 28, 28, 1]);
  });
});

describe('the CLI: non-zero exit and one clear line', () => {
  it('a search on an .npz whose train split is empty', async () => {
    const r = await runCli(
      [
        'search',
        '--population',
        '2',
        '--offspring',
        '2',
        '--generations',
        '2',
        '--channels',
        '4',
        '--batch-size',
        '4',
        '--data-dir',
        path.join(dir, 'empty'),
        '--store',
        path.join(dir, 'empty.db'),
      ],
      { cwd: dir },
    );
    expect(r.code).toBe(1);
    expect(errorLines(r.stderr)).toEqual([
      `mstf: DATA_CORRUPT: breastmnist: the train split has no images (data directory ${path.join(dir, 'empty')})`,
    ]);
    const store = RunStore.open(path.join(dir, 'empty.db'));
    expect(store.listSearches().map((s) => [s.status, s.evaluated])).toEqual([['failed', 0]]);
    store.close();
  });

  it('a search on a file whose MD5 is not the official one, under --strict-data', async () => {
    const r = await runCli(
      [
        'search',
        '--strict-data',
        '--population',
        '2',
        '--offspring',
        '2',
        '--generations',
        '2',
        '--channels',
        '4',
        '--batch-size',
        '4',
        '--data-dir',
        path.join(dir, 'edited'),
        '--store',
        path.join(dir, 'edited.db'),
      ],
      { cwd: dir },
    );
    expect(r.code).toBe(1);
    expect(errorLines(r.stderr)).toEqual([
      expect.stringMatching(
        /^mstf: CHECKSUM_MISMATCH: .*breastmnist\.npz: MD5 [0-9a-f]{32} differs from the official breastmnist \(28x28\) file's 750601b1f35ba3300ea97c75c52ff8f6; refused under --strict-data/,
      ),
    ]);
  });

  it('a search whose candidates all fail ends failed, selects nothing and quotes the error', async () => {
    const plugin = path.join(repoRoot, 'test', 'fixtures', 'failing-plugin', 'index.js');
    const db = path.join(dir, 'failing.db');
    const r = await runCli(
      [
        'search',
        '--plugin',
        plugin,
        '--indicators',
        'always_fails,synflow',
        '--population',
        '3',
        '--offspring',
        '2',
        '--generations',
        '2',
        '--channels',
        '4',
        '--store',
        db,
      ],
      { cwd: dir },
    );
    expect(r.code).toBe(1);
    expect(errorLines(r.stderr)).toEqual([
      expect.stringMatching(
        /^mstf: SEARCH_FAILED: search \S+: none of its 5 candidates is feasible, nothing to select \(5 failed: "always_fails: Error: always_fails: this indicator fails on purpose"\)$/,
      ),
    ]);
    const store = RunStore.open(db);
    const [s] = store.listSearches();
    expect(s!.status).toBe('failed');
    expect(s!.error).toMatch(/none of its 5 candidates is feasible/);
    expect(store.result(s!.id)).toBeUndefined();
    store.close();
  });
});
