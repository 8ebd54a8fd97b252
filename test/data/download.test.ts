import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downloadFile, formatProgress, type DownloadProgress } from '../../core/data/download.js';
import { fetchDataset } from '../../core/data/fetch.js';
import { md5File } from '../../core/data/md5.js';
import { MstfError } from '../../core/errors.js';
import { MedMnistDataset, BASE_URL_ENV } from '../../plugins/dataset-medmnist/medmnist.js';
import { MEDMNIST_SUBSETS } from '../../plugins/dataset-medmnist/subsets.js';
import { closedPort, startServer } from './server.js';

const BREAST_MD5 = '750601b1f35ba3300ea97c75c52ff8f6';
const BREAST_BYTES = 559_580;

let server: Awaited<ReturnType<typeof startServer>>;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mstf-dl-'));
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

function freshDir(name: string): string {
  const d = path.join(tmp, name);
  fs.mkdirSync(d, { recursive: true });
  return d;
}

async function failure(p: Promise<unknown>): Promise<MstfError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(MstfError);
  const err = e as MstfError;
  expect(err.message).not.toContain('\n');
  return err;
}

describe('downloadFile', () => {
  it('a good download lands in place with the right MD5, nothing else in the folder, progress reported', async () => {
    const dir = freshDir('good');
    const dest = path.join(dir, 'breastmnist.npz');
    const progress: DownloadProgress[] = [];
    const r = await downloadFile({
      url: `${server.base}/files/breastmnist.npz`,
      dest,
      md5: BREAST_MD5,
      onProgress: (p) => progress.push(p),
      progressIntervalMs: 0,
    });
    expect(r).toMatchObject({ path: dest, bytes: BREAST_BYTES, md5: BREAST_MD5 });
    expect(await md5File(dest)).toBe(BREAST_MD5);
    expect(fs.readdirSync(dir)).toEqual(['breastmnist.npz']);
    const last = progress[progress.length - 1]!;
    expect(last).toMatchObject({ received: BREAST_BYTES, total: BREAST_BYTES, done: true });
    expect(progress.every((p, i) => i === 0 || p.received >= progress[i - 1]!.received)).toBe(true);
  });

  it('follows redirects', async () => {
    const dir = freshDir('redirect');
    const dest = path.join(dir, 'breastmnist.npz');
    await downloadFile({ url: `${server.base}/redirect/breastmnist.npz`, dest, md5: BREAST_MD5 });
    expect(await md5File(dest)).toBe(BREAST_MD5);
  });

  const failures: [string, () => string, string, RegExp][] = [
    [
      'checksum mismatch',
      () => `${server.base}/wrongbytes/breastmnist.npz`,
      'CHECKSUM_MISMATCH',
      /checksum mismatch \(md5 [0-9a-f]{32}, expected 750601b1f35ba3300ea97c75c52ff8f6\)/,
    ],
    [
      'truncated response',
      () => `${server.base}/truncated/breastmnist.npz`,
      'DOWNLOAD_FAILED',
      /truncated \(got \d+ of 559580 bytes/,
    ],
    [
      'HTTP 404',
      () => `${server.base}/status/404/breastmnist.npz`,
      'DOWNLOAD_FAILED',
      /HTTP 404 Not Found from http:\/\/127\.0\.0\.1/,
    ],
    [
      'HTTP 500',
      () => `${server.base}/status/500/breastmnist.npz`,
      'DOWNLOAD_FAILED',
      /HTTP 500 Internal Server Error/,
    ],
  ];
  for (const [name, url, code, re] of failures) {
    it(`${name}: one clear line, no partial file, an existing file untouched`, async () => {
      const dir = freshDir(name.replace(/\W/g, '_'));
      const dest = path.join(dir, 'breastmnist.npz');
      const err = await failure(downloadFile({ url: url(), dest, md5: BREAST_MD5, label: 'breastmnist (28x28)' }));
      expect(err.code).toBe(code);
      expect(err.message.startsWith('breastmnist (28x28): ')).toBe(true);
      expect(err.message).toMatch(re);
      expect(fs.readdirSync(dir)).toEqual([]);
      // With an older file in place, a failed download leaves it as it was.
      fs.writeFileSync(dest, 'old');
      await failure(downloadFile({ url: url(), dest, md5: BREAST_MD5 }));
      expect(fs.readdirSync(dir)).toEqual(['breastmnist.npz']);
      expect(fs.readFileSync(dest, 'utf8')).toBe('old');
    });
  }

  it('connection refused: one clear line, no partial file', async () => {
    const dir = freshDir('refused');
    const port = await closedPort();
    const err = await failure(
      downloadFile({
        url: `http://127.0.0.1:${port}/files/breastmnist.npz`,
        dest: path.join(dir, 'b.npz'),
        md5: BREAST_MD5,
      }),
    );
    expect(err.code).toBe('DOWNLOAD_FAILED');
    expect(err.message).toBe(`b.npz: download failed: connection refused by 127.0.0.1:${port}`);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('unknown host: one clear line', async () => {
    const dir = freshDir('nxdomain');
    const err = await failure(
      downloadFile({ url: 'http://mstf-no-such-host.invalid/x.npz', dest: path.join(dir, 'x.npz') }),
    );
    expect(err.message).toMatch(/^x\.npz: download failed: cannot (resolve host mstf-no-such-host\.invalid|reach)/);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('formats a progress line', () => {
    expect(
      formatProgress('pathmnist 28x28', { received: 50e6, total: 200e6, bytesPerSec: 12.34e6, done: false }, 10),
    ).toBe('pathmnist 28x28   25% [###.......]  50.0/200.0 MB  12.3 MB/s');
    expect(formatProgress('x', { received: 1.5e6, bytesPerSec: 1e6, done: false })).toBe('x  1.5 MB  1.0 MB/s');
  });
});

describe('fetchDataset (MedMNIST, base URL from MSTF_MEDMNIST_BASE_URL)', () => {
  const breast = new MedMnistDataset(MEDMNIST_SUBSETS.find((s) => s.flag === 'breastmnist')!);

  it('downloads into <dataDir>/medmnist/, then keeps a good copy; --force downloads again', async () => {
    const dataDir = freshDir('fetch');
    process.env[BASE_URL_ENV] = `${server.base}/files/`;
    try {
      expect(breast.remote(28).url).toBe(`${server.base}/files/breastmnist.npz`);
      const r = await fetchDataset(breast, { dataDir }, { size: 28 });
      expect(r).toMatchObject({
        alreadyPresent: false,
        md5: BREAST_MD5,
        bytes: BREAST_BYTES,
        path: path.join(dataDir, 'medmnist', 'breastmnist.npz'),
      });
      const hitsBefore = server.hits.length;
      const again = await fetchDataset(breast, { dataDir }, { size: 28 });
      expect(again.alreadyPresent).toBe(true);
      expect(server.hits.length).toBe(hitsBefore);
      const forced = await fetchDataset(breast, { dataDir }, { size: 28, force: true });
      expect(forced.alreadyPresent).toBe(false);
      expect(server.hits.length).toBe(hitsBefore + 1);
      // The fetched file is what load() now reads (not the embedded copy).
      expect(breast.locate({ dataDir }, 28)!.embedded).toBe(false);
      expect((await breast.load('val', { dataDir })).shape).toEqual([78, 28, 28, 1]);
    } finally {
      delete process.env[BASE_URL_ENV];
    }
  });

  it('a damaged local copy is replaced', async () => {
    const dataDir = freshDir('damaged');
    fs.mkdirSync(path.join(dataDir, 'medmnist'));
    fs.writeFileSync(path.join(dataDir, 'medmnist', 'breastmnist.npz'), 'garbage');
    process.env[BASE_URL_ENV] = `${server.base}/files`;
    try {
      const r = await fetchDataset(breast, { dataDir }, { size: 28 });
      expect(r.alreadyPresent).toBe(false);
      expect(await md5File(r.path)).toBe(BREAST_MD5);
    } finally {
      delete process.env[BASE_URL_ENV];
    }
  });

  it('the official URL is used without the override; sizes outside 28/64/128/224 are refused', async () => {
    expect(breast.remote(224).url).toBe('https://zenodo.org/records/10519652/files/breastmnist_224.npz?download=1');
    await expect(fetchDataset(breast, { dataDir: tmp }, { size: 32 })).rejects.toThrow(
      'breastmnist has no 32x32 version (sizes: 28, 64, 128, 224)',
    );
  });
});
