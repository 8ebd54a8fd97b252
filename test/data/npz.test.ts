import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NpzFile, readNpz } from '../../core/data/npz.js';
import { parseNpy, toInt32, encodeNpy } from '../../core/data/npy.js';
import { md5File } from '../../core/data/md5.js';
import { MstfError } from '../../core/errors.js';
import { SHARED_MEDMNIST, REPO } from './paths.js';
import { npyBytes, writeZip } from './fixtures.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mstf-npz-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** SOURCES.md: shapes and label counts of the official files. */
const OFFICIAL = {
  breastmnist: { md5: '750601b1f35ba3300ea97c75c52ff8f6', ch: 0, train: [147, 399], val: [21, 57], test: [42, 114] },
  pneumoniamnist: {
    md5: '28209eda62fecd6e6a2d98b1501bb15f',
    ch: 0,
    train: [1214, 3494],
    val: [135, 389],
    test: [234, 390],
  },
  retinamnist: {
    md5: 'bd4c0672f1bba3e3a89f0e4e876791e4',
    ch: 3,
    train: [486, 128, 206, 194, 66],
    val: [54, 12, 28, 20, 6],
    test: [174, 46, 92, 68, 20],
  },
} as const;

function counts(labels: Int32Array, k: number): number[] {
  const c = new Array<number>(k).fill(0);
  for (const v of labels) c[v]!++;
  return c;
}

describe('npz reader on the official MedMNIST files', () => {
  for (const [flag, facts] of Object.entries(OFFICIAL)) {
    it(`${flag}: official MD5, shapes and label counts`, async () => {
      const file = path.join(SHARED_MEDMNIST, `${flag}.npz`);
      expect(await md5File(file)).toBe(facts.md5);
      const arrays = readNpz(file);
      expect(Object.keys(arrays).sort()).toEqual([
        'test_images',
        'test_labels',
        'train_images',
        'train_labels',
        'val_images',
        'val_labels',
      ]);
      for (const split of ['train', 'val', 'test'] as const) {
        const expected = facts[split];
        const n = expected.reduce((a, b) => a + b, 0);
        const img = arrays[`${split}_images`]!;
        const lab = arrays[`${split}_labels`]!;
        expect(img.dtype).toBe('u1');
        expect(img.shape).toEqual(facts.ch ? [n, 28, 28, 3] : [n, 28, 28]);
        expect(img.data.length).toBe(n * 28 * 28 * (facts.ch || 1));
        expect(lab.shape).toEqual([n, 1]);
        expect(counts(toInt32(lab, flag), expected.length)).toEqual([...expected]);
      }
    });
  }

  it('the embedded BreastMNIST is byte-identical to the official file', async () => {
    expect(await md5File(path.join(REPO, 'data/medmnist/breastmnist.npz'))).toBe(OFFICIAL.breastmnist.md5);
  });

  it('reads one member without the others (lazy)', () => {
    const npz = NpzFile.open(path.join(SHARED_MEDMNIST, 'retinamnist.npz'));
    try {
      expect(npz.keys()).toHaveLength(6);
      const lab = npz.get('val_labels');
      expect(lab.shape).toEqual([120, 1]);
    } finally {
      npz.close();
    }
  });
});

describe('npz/npy format handling', () => {
  it('stored and deflate members in any order; int64, int32, float32, float64 labels; npy v2 header', () => {
    const images = Uint8Array.from([0, 1, 2, 3, 250, 251, 252, 253]);
    const zip = writeZip([
      { name: 'test_labels.npy', data: npyBytes('<i8', [2, 1], BigInt64Array.from([1n, 0n])), method: 8 },
      { name: 'test_images.npy', data: npyBytes('|u1', [2, 2, 2], images, { version: 2 }), method: 0 },
      { name: 'a.npy', data: npyBytes('<i4', [3], Int32Array.from([-5, 7, 9])), method: 0 },
      { name: 'b.npy', data: npyBytes('<f4', [2], Float32Array.from([1.5, -2])), method: 8 },
      { name: 'c.npy', data: npyBytes('<f8', [2], Float64Array.from([3, 4])), method: 8 },
    ]);
    const file = path.join(tmp, 'mixed.npz');
    fs.writeFileSync(file, zip);
    const a = readNpz(file);
    expect(a.test_images!.shape).toEqual([2, 2, 2]);
    expect([...a.test_images!.data]).toEqual([...images]);
    expect(a.test_labels!.dtype).toBe('i8');
    expect([...toInt32(a.test_labels!, 'x')]).toEqual([1, 0]);
    expect([...a.a!.data]).toEqual([-5, 7, 9]);
    expect([...a.b!.data]).toEqual([1.5, -2]);
    expect([...toInt32(a.c!, 'c')]).toEqual([3, 4]);
    expect(() => toInt32(a.b!, 'b')).toThrow(/1.5 at index 0 is not a 32-bit integer/);
  });

  it('zip64 central directory (numpy writes it for members over 4 GiB)', () => {
    const labels = Uint8Array.from([0, 1, 1, 0, 1]);
    const zip = writeZip(
      [
        { name: 'x.npy', data: npyBytes('|u1', [5], labels), method: 8 },
        { name: 'y.npy', data: npyBytes('<i4', [2], Int32Array.from([42, -1])), method: 0 },
      ],
      { zip64: true },
    );
    const file = path.join(tmp, 'zip64.npz');
    fs.writeFileSync(file, zip);
    const a = readNpz(file);
    expect([...a.x!.data]).toEqual([0, 1, 1, 0, 1]);
    expect([...a.y!.data]).toEqual([42, -1]);
  });

  it('encodeNpy round-trips through parseNpy', () => {
    const data = Int32Array.from([1, -2, 3, -4, 5, -6]);
    const back = parseNpy(encodeNpy('i4', [2, 3], data), 'x');
    expect(back.shape).toEqual([2, 3]);
    expect([...back.data]).toEqual([1, -2, 3, -4, 5, -6]);
  });

  it('Fortran-order arrays, big-endian and unknown dtypes are refused with one line', () => {
    expect(() => parseNpy(npyBytes('|u1', [2, 2], new Uint8Array(4), { fortran: true }), 'f.npy')).toThrow(
      /^f\.npy: array is stored in Fortran order/,
    );
    expect(() => parseNpy(npyBytes('>i4', [1], new Int32Array(1)), 'b.npy')).toThrow(
      /b\.npy: dtype '>i4' is not supported/,
    );
    expect(() => parseNpy(npyBytes('<c8', [1], new Float32Array(2)), 'c.npy')).toThrow(/dtype '<c8' is not supported/);
    expect(() => parseNpy(Buffer.from('hello world'), 'h.npy')).toThrow(/h\.npy: not a \.npy array/);
    // Header says 100 bytes, only 4 present.
    const short = npyBytes('|u1', [100], new Uint8Array(4));
    expect(() => parseNpy(short, 's.npy')).toThrow(/s\.npy: truncated array data/);
  });

  const corruptCases: [string, (b: Buffer) => Buffer, RegExp][] = [
    ['truncated file', (b) => b.subarray(0, Math.floor(b.length / 2)), /no end-of-central-directory record|truncated/],
    ['garbage', () => Buffer.from('this is not a zip file at all, not even close'), /not a zip archive/],
    ['empty', () => Buffer.alloc(0), /too short/],
    [
      'flipped byte in compressed data',
      (b) => {
        const c = Buffer.from(b);
        c[200] = c[200]! ^ 0xff;
        return c;
      },
      /does not inflate|fails its CRC check|bad local header/,
    ],
  ];
  for (const [name, damage, re] of corruptCases) {
    it(`corrupt npz (${name}) -> one DATA_CORRUPT line naming the file`, () => {
      const file = path.join(tmp, `${name.replace(/\W/g, '_')}.npz`);
      fs.writeFileSync(file, damage(fs.readFileSync(path.join(SHARED_MEDMNIST, 'breastmnist.npz'))));
      let err: unknown;
      try {
        const a = readNpz(file);
        void a;
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(MstfError);
      const e = err as MstfError;
      expect(e.code).toBe('DATA_CORRUPT');
      expect(e.message.startsWith(file)).toBe(true);
      expect(e.message).toMatch(re);
      expect(e.message).not.toContain('\n');
    });
  }
});
