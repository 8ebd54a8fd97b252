/**
 * Data-layer speed: MedMNIST .npz load + normalisation, CBIS-DDSM-sized DICOM decode and area resize.
 * `npm run bench -- datasets`. Uses the embedded BreastMNIST and a generated 4000x3000 16-bit DICOM.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MedMnistDataset } from '../plugins/dataset-medmnist/medmnist.js';
import { MEDMNIST_SUBSETS } from '../plugins/dataset-medmnist/subsets.js';
import { decodeDicom } from '../plugins/dataset-cbis-ddsm/dicom.js';
import { resizeImage } from '../core/data/resize.js';
import { dicomBytes } from '../test/data/fixtures.js';

function time<T>(label: string, f: () => T): T {
  const t = performance.now();
  const r = f();
  process.stdout.write(`${label.padEnd(40)} ${(performance.now() - t).toFixed(1)} ms\n`);
  return r;
}

const breast = new MedMnistDataset(MEDMNIST_SUBSETS.find((s) => s.flag === 'breastmnist')!);
const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'mstf-bench-'));
const train = await breast.load('train', { dataDir: empty });
const t0 = performance.now();
await breast.load('train', { dataDir: empty });
process.stdout.write(`${'breastmnist train load (546x28x28)'.padEnd(40)} ${(performance.now() - t0).toFixed(1)} ms\n`);
time('normalise 546x28x28', () => breast.normalise(train.images));

const rows = 4000;
const cols = 3000;
const px = new Uint16Array(rows * cols);
for (let i = 0; i < px.length; i++) px[i] = (i * 7919) % 4096;
const file = path.join(empty, 'big.dcm');
fs.writeFileSync(file, dicomBytes({ rows, cols, bits: 16, pixels: px }));
const g = time('decode DICOM 4000x3000 16-bit', () => decodeDicom(file));
for (const s of [224, 800])
  time(`area resize 4000x3000 -> ${s}x${s}`, () =>
    resizeImage({ data: g.pixels, height: rows, width: cols, channels: 1 }, s, s),
  );
fs.rmSync(empty, { recursive: true, force: true });
