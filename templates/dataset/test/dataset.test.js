// @ts-check
// Tests of the dataset __EXTENSION_ID__, run by `npm test` (node --test): a tiny image folder written here with
// known pixels and labels, read back and checked by hand; then the real kernel loads it as mstf commands do.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { data, encodeNpy, MstfError } from 'mstf-nas';
import { bootTestKernel } from 'mstf-nas/testing';
import plugin, { CHANNELS, dataset, LABEL_NAMES, SIZES, SPLITS } from '../index.js';

const SPLIT_NAMES = /** @type {const} */ (['train', 'val', 'test']);
const size = SIZES[0] ?? 28;
const per = size * size * CHANNELS;

/** Pixel value of image `i` of a split: every pixel of it is (7 * i + 3) mod 256. */
const pixelOf = (/** @type {number} */ i) => (7 * i + 3) % 256;
/** Label of image `i` of a split: round-robin over the classes. */
const labelOf = (/** @type {number} */ i) => i % LABEL_NAMES.length;

/** Write `<dataDir>/__EXTENSION_ID__/<split>/<class>/img<i>.npy` for every split, as SPLITS counts them. */
function writeFixture(/** @type {string} */ dataDir) {
  for (const split of SPLIT_NAMES) {
    for (let i = 0; i < SPLITS[split]; i++) {
      const dir = path.join(dataDir, '__EXTENSION_ID__', split, LABEL_NAMES[labelOf(i)] ?? '');
      fs.mkdirSync(dir, { recursive: true });
      const shape = CHANNELS === 1 ? [size, size] : [size, size, CHANNELS];
      // img<i>, zero-padded: files are read in name order within a class.
      const name = `img${String(i).padStart(4, '0')}.npy`;
      fs.writeFileSync(path.join(dir, name), encodeNpy('u1', shape, new Uint8Array(per).fill(pixelOf(i))));
    }
  }
}

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), '__EXTENSION_ID__-'));
after(() => fs.rmSync(dataDir, { recursive: true, force: true }));
writeFixture(dataDir);
const loc = { dataDir };

test('info: the declared facts', () => {
  assert.equal(dataset.kind, 'dataset');
  assert.equal(dataset.info.classes, LABEL_NAMES.length);
  assert.deepEqual(dataset.info.labelNames, LABEL_NAMES);
  assert.equal(dataset.info.task, LABEL_NAMES.length === 2 ? 'binary-class' : 'multi-class');
  assert.deepEqual(dataset.info.splits, SPLITS);
  assert.equal(dataset.isPresent(loc), true);
  assert.equal(dataset.isPresent({ dataDir: path.join(dataDir, 'nowhere') }), false);
});

test('load: every split, shape, labels and pixels as written (by class, then file name)', async () => {
  for (const split of SPLIT_NAMES) {
    const d = await dataset.load(split, loc);
    const n = SPLITS[split];
    assert.deepEqual(d.shape, [n, size, size, CHANNELS]);
    assert.equal(d.labelWidth, 1);
    // Expected order: class 0's images (increasing i), then class 1's, ...
    const order = LABEL_NAMES.flatMap((_, k) => Array.from({ length: n }, (_, i) => i).filter((i) => labelOf(i) === k));
    assert.deepEqual([...d.labels], order.map(labelOf));
    order.forEach((i, row) => {
      const img = d.images.subarray(row * per, (row + 1) * per);
      assert.ok(
        img.every((v) => v === pixelOf(i)),
        `${split} row ${row}`,
      );
    });
  }
});

test('load: an image of another size is resized (area averaging: halves stay halves)', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), '__EXTENSION_ID__-resize-'));
  try {
    writeFixture(dir);
    // Replace train image 0 by a 2size x 2size image: left half 0, right half 200 (every channel).
    const big = new Uint8Array(4 * per);
    for (let y = 0; y < 2 * size; y++)
      for (let x = 0; x < 2 * size; x++)
        for (let c = 0; c < CHANNELS; c++) big[(y * 2 * size + x) * CHANNELS + c] = x < size ? 0 : 200;
    const shape = CHANNELS === 1 ? [2 * size, 2 * size] : [2 * size, 2 * size, CHANNELS];
    const file = path.join(dir, '__EXTENSION_ID__', 'train', LABEL_NAMES[0] ?? '', 'img0000.npy');
    fs.writeFileSync(file, encodeNpy('u1', shape, big));
    const d = await dataset.load('train', { dataDir: dir });
    for (let y = 0; y < size; y++)
      for (let x = 0; x < size; x++)
        for (let c = 0; c < CHANNELS; c++)
          assert.equal(d.images[(y * size + x) * CHANNELS + c], x < size / 2 ? 0 : 200, `pixel ${y},${x}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('normalise: x/255, then (x - 0.5) / 0.5', () => {
  const out = dataset.normalise(Uint8Array.from([0, 51, 255]));
  assert.equal(out[0], -1);
  assert.ok(Math.abs((out[1] ?? 0) - (51 / 255 - 0.5) / 0.5) < 1e-7); // -0.6
  assert.equal(out[2], 1);
});

test('a missing split, a damaged file and a wrong count are one clear line naming the path', async () => {
  const missing = path.join(dataDir, 'nowhere', '__EXTENSION_ID__', 'train');
  await assert.rejects(
    dataset.load('train', { dataDir: path.join(dataDir, 'nowhere') }),
    (e) => e instanceof MstfError && e.code === 'DATA_NOT_FOUND' && e.message.startsWith(`${missing} is missing`),
  );
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), '__EXTENSION_ID__-bad-'));
  try {
    writeFixture(dir);
    const file = path.join(dir, '__EXTENSION_ID__', 'test', LABEL_NAMES[0] ?? '', 'img0000.npy');
    fs.writeFileSync(file, 'not numpy');
    await assert.rejects(
      dataset.load('test', { dataDir: dir }),
      (e) => e instanceof MstfError && e.code === 'DATA_CORRUPT' && e.message.startsWith(`${file}: not a .npy`),
    );
    fs.rmSync(file);
    await assert.rejects(
      dataset.load('test', { dataDir: dir }),
      (e) =>
        e instanceof MstfError &&
        e.message ===
          `${path.join(dir, '__EXTENSION_ID__', 'test')}: ${SPLITS.test - 1} images, but SPLITS.test in index.js says ${SPLITS.test} (update it)`,
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the kernel loads the plugin; a seeded batch is the normalised pixels of the loaded split', async () => {
  process.env.MSTF_DATA_DIR = dataDir; // what --data-dir sets for a command
  const kernel = await bootTestKernel(plugin);
  try {
    assert.ok(kernel.registry('dataset').has('__EXTENSION_ID__'));
    assert.equal(kernel.settings.dataDir, dataDir);
    const { data: split } = await data.loadSplit(kernel, '__EXTENSION_ID__', 'train');
    const batch = data.gatherBatch(split, [0], dataset);
    assert.deepEqual(batch.shape, [1, size, size, CHANNELS]);
    // Row 0 is image 0 (class 0, first file): every value (7 * 0 + 3) / 255 mapped to [-1, 1].
    assert.ok(batch.x.every((v) => v === Math.fround((pixelOf(0) / 255 - 0.5) / 0.5)));
  } finally {
    kernel.dispose();
  }
});
