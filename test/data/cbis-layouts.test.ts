/**
 * CBIS-DDSM as people have it: the NBIA Data Retriever's download (Implicit VR DICOMs under manifest-<id>/,
 * ROI series split in two) and the Kaggle JPEG release (csv/ + jpeg/<SeriesInstanceUID>/) must give the same
 * samples, labels and lesion-size bins.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  CbisDdsmDataset,
  checkSplitMemory,
  largestFittingSize,
  type CbisSplitData,
} from '../../plugins/dataset-cbis-ddsm/cbis.js';
import { countCases } from '../../plugins/dataset-cbis-ddsm/cases.js';
import { decodeDicom } from '../../plugins/dataset-cbis-ddsm/dicom.js';
import { decodeJpeg } from '../../plugins/dataset-cbis-ddsm/jpeg.js';
import { detectLayout } from '../../plugins/dataset-cbis-ddsm/layout.js';
import { MstfError } from '../../core/errors.js';
import { bootKernel } from '../../core/kernel/loader.js';
import { builtinPlugins } from '../../plugins/index.js';
import { resolveSearchConfig } from '../../core/search/config.js';
import { resolveSetup } from '../../core/search/setup.js';
import {
  FULL_COLS,
  FULL_ROWS,
  dicomBytes,
  writeCbisFixture,
  type FixtureImage,
  type FixtureOptions,
} from './fixtures.js';
import { writeSyntheticCsvs, SYNTHETIC } from './cbis-synthetic.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mstf-cbis-layouts-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const PIXELS = FULL_ROWS * FULL_COLS; // 2400
const LARGE = 100; // 0.0417
const MEDIUM = 10; // 0.00417
const SMALL = 1; // 0.000417

const IMAGES: FixtureImage[] = [
  {
    type: 'mass',
    split: 'train',
    patient: 'P_00001',
    breast: 'LEFT',
    view: 'CC',
    abnormalities: [{ pathology: 'MALIGNANT', lesionPixels: LARGE }],
  },
  {
    type: 'mass',
    split: 'train',
    patient: 'P_00001',
    breast: 'LEFT',
    view: 'MLO',
    abnormalities: [{ pathology: 'BENIGN', lesionPixels: MEDIUM }],
  },
  {
    type: 'mass',
    split: 'train',
    patient: 'P_00002',
    breast: 'RIGHT',
    view: 'CC',
    abnormalities: [
      { pathology: 'BENIGN', lesionPixels: LARGE },
      { pathology: 'MALIGNANT', lesionPixels: SMALL },
    ],
  },
  // The same film in the mass and the calc CSVs (42 such films in the real data): two samples under `both`.
  {
    type: 'calc',
    split: 'train',
    patient: 'P_00002',
    breast: 'RIGHT',
    view: 'CC',
    abnormalities: [{ pathology: 'BENIGN_WITHOUT_CALLBACK', lesionPixels: SMALL }],
  },
  {
    type: 'calc',
    split: 'train',
    patient: 'P_00004',
    breast: 'RIGHT',
    view: 'MLO',
    abnormalities: [{ pathology: 'BENIGN', lesionPixels: MEDIUM }],
    photometric: 'MONOCHROME1',
  },
  // A patient in both official splits (31 in the real data).
  {
    type: 'mass',
    split: 'test',
    patient: 'P_00004',
    breast: 'LEFT',
    view: 'CC',
    abnormalities: [{ pathology: 'MALIGNANT', lesionPixels: LARGE }],
  },
  {
    type: 'calc',
    split: 'test',
    patient: 'P_00101',
    breast: 'LEFT',
    view: 'MLO',
    abnormalities: [{ pathology: 'BENIGN', lesionPixels: MEDIUM }],
  },
  {
    type: 'calc',
    split: 'test',
    patient: 'P_00102',
    breast: 'RIGHT',
    view: 'CC',
    abnormalities: [{ pathology: 'MALIGNANT', lesionPixels: SMALL }],
  },
];

/** Hand-derived from IMAGES: label = any MALIGNANT, proportion = largest lesion / 2400 pixels. */
const EXPECTED: Record<string, { label: number; p: number; size: string; type: string; patient: string }> = {
  'Mass-Training_P_00001_LEFT_CC': { label: 1, p: LARGE / PIXELS, size: 'large', type: 'mass', patient: 'P_00001' },
  'Mass-Training_P_00001_LEFT_MLO': { label: 0, p: MEDIUM / PIXELS, size: 'medium', type: 'mass', patient: 'P_00001' },
  'Mass-Training_P_00002_RIGHT_CC': { label: 1, p: LARGE / PIXELS, size: 'large', type: 'mass', patient: 'P_00002' },
  'Calc-Training_P_00002_RIGHT_CC': { label: 0, p: SMALL / PIXELS, size: 'small', type: 'calc', patient: 'P_00002' },
  'Calc-Training_P_00004_RIGHT_MLO': { label: 0, p: MEDIUM / PIXELS, size: 'medium', type: 'calc', patient: 'P_00004' },
  'Mass-Test_P_00004_LEFT_CC': { label: 1, p: LARGE / PIXELS, size: 'large', type: 'mass', patient: 'P_00004' },
  'Calc-Test_P_00101_LEFT_MLO': { label: 0, p: MEDIUM / PIXELS, size: 'medium', type: 'calc', patient: 'P_00101' },
  'Calc-Test_P_00102_RIGHT_CC': { label: 1, p: SMALL / PIXELS, size: 'small', type: 'calc', patient: 'P_00102' },
};

function fixture(name: string, opts: FixtureOptions): { root: string; dataDir: string } {
  const root = path.join(tmp, name, 'CBIS');
  const dataDir = path.join(tmp, name, 'data');
  fs.mkdirSync(root, { recursive: true });
  writeCbisFixture(root, IMAGES, opts);
  return { root, dataDir };
}

function summary(
  d: CbisSplitData,
): Record<string, { label: number; p: number; size: string; type: string; patient: string }> {
  return Object.fromEntries(
    d.ids.map((id, i) => [
      id,
      {
        label: d.labels[i]!,
        p: d.lesionProportion[i]!,
        size: d.lesionSize[i]!,
        type: d.types[i]!,
        patient: d.patientIds[i]!,
      },
    ]),
  );
}

function pick(keys: string[]): typeof EXPECTED {
  return Object.fromEntries(keys.map((k) => [k, EXPECTED[k]!]));
}

const TRAIN_KEYS = Object.keys(EXPECTED).filter((k) => k.includes('Training'));
const TEST_KEYS = Object.keys(EXPECTED).filter((k) => k.includes('Test'));

describe('real encodings', () => {
  it('Implicit VR Little Endian 16-bit and 8-bit DICOMs decode like their Explicit VR twins', () => {
    const px16 = [1000, 1500, 3000, 2000, 1000, 3000];
    const a = path.join(tmp, 'implicit16.dcm');
    fs.writeFileSync(a, dicomBytes({ rows: 2, cols: 3, bits: 16, pixels: px16, implicit: true }));
    expect([...decodeDicom(a).pixels]).toEqual([0, 64, 255, 128, 0, 255]); // (v-1000)*255/2000, rounded
    const b = path.join(tmp, 'implicit8.dcm');
    fs.writeFileSync(b, dicomBytes({ rows: 1, cols: 4, bits: 8, pixels: [0, 255, 255, 0], implicit: true }));
    expect([...decodeDicom(b).pixels]).toEqual([0, 255, 255, 0]);
  });

  it('JPEG: jpeg-js decodes to gray and windows like a DICOM; junk is one DATA_CORRUPT line', () => {
    const { root } = fixture('jpeg-only', { layout: 'kaggle' });
    const files = (fs.readdirSync(path.join(root, 'jpeg'), { recursive: true }) as string[]).filter((f) =>
      f.endsWith('.jpg'),
    );
    // 8 full images, 9 masks, 9 crops (P_00002's mass film has two abnormalities).
    expect(files).toHaveLength(26);
    const junk = path.join(tmp, 'junk.jpg');
    fs.writeFileSync(junk, 'not a jpeg');
    const err = (() => {
      try {
        decodeJpeg(junk);
      } catch (e) {
        return e as MstfError;
      }
    })();
    expect(err).toBeInstanceOf(MstfError);
    expect(err!.code).toBe('DATA_CORRUPT');
    expect(err!.message).toMatch(
      new RegExp(`^${junk.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: not a readable JPEG file`),
    );
  });
});

describe('layouts give the same samples', () => {
  const ds = new CbisDdsmDataset();

  it('NBIA download (manifest-<id>/CBIS-DDSM, Implicit VR, ROI in two series) and Kaggle JPEGs: same ids, labels, patients, lesion bins, pixels', async () => {
    const nbia = fixture('nbia', { layout: 'nbia' });
    const kaggle = fixture('kaggle', { layout: 'kaggle' });
    expect(detectLayout(nbia.root).kind).toBe('nbia-dicom');
    expect(detectLayout(kaggle.root).kind).toBe('kaggle-jpeg');
    // The NBIA images really are only under manifest-*/CBIS-DDSM.
    expect(fs.readdirSync(nbia.root).sort()).toEqual([
      'calc_case_description_test_set.csv',
      'calc_case_description_train_set.csv',
      'manifest-1654812109500',
      'mass_case_description_test_set.csv',
      'mass_case_description_train_set.csv',
    ]);
    for (const split of ['train', 'test'] as const) {
      const opts = { size: 16, valFraction: 0 };
      const a = await ds.load(split, { dataDir: nbia.dataDir }, { ...opts, root: nbia.root });
      const b = await ds.load(split, { dataDir: kaggle.dataDir }, { ...opts, root: kaggle.root });
      const want = pick(split === 'train' ? TRAIN_KEYS : TEST_KEYS);
      // DICOM masks are exact: the hand-computed proportions.
      expect(summary(a)).toEqual(want);
      // JPEG is lossy: the same ids, labels, patients, types and bins; proportions within 2 pixels of 2400.
      const sb = summary(b);
      expect(Object.keys(sb).sort()).toEqual(Object.keys(want).sort());
      for (const [k, v] of Object.entries(want)) {
        expect({ ...sb[k]!, p: 0 }).toEqual({ ...v, p: 0 });
        expect(Math.abs(sb[k]!.p - v.p)).toBeLessThanOrEqual(2 / PIXELS);
      }
      expect(b.ids).toEqual(a.ids);
      expect([...b.labels]).toEqual([...a.labels]);
      expect(b.lesionSize).toEqual(a.lesionSize);
      // Pixels: left half 0, right half 255 in both (MONOCHROME1 inverted); JPEG within a few levels.
      expect(b.images.length).toBe(a.images.length);
      let worst = 0;
      for (let i = 0; i < a.images.length; i++) worst = Math.max(worst, Math.abs(a.images[i]! - b.images[i]!));
      expect(worst).toBeLessThanOrEqual(4);
    }
  });

  it('abnormality "both": a film in the mass and the calc CSVs is two samples; val split by patient keeps them together', async () => {
    const { root, dataDir } = fixture('both', { layout: 'nbia' });
    const opts = { root, size: 8, valFraction: 0.34, seed: 1 };
    const train = await ds.load('train', { dataDir }, opts);
    const val = await ds.load('val', { dataDir }, opts);
    const all = [...train.ids, ...val.ids];
    expect(all.filter((k) => k.endsWith('P_00002_RIGHT_CC')).sort()).toEqual([
      'Calc-Training_P_00002_RIGHT_CC',
      'Mass-Training_P_00002_RIGHT_CC',
    ]);
    // Both copies on the same side of the train/val split.
    const side = (k: string) => (train.ids.includes(k) ? 'train' : 'val');
    expect(side('Calc-Training_P_00002_RIGHT_CC')).toBe(side('Mass-Training_P_00002_RIGHT_CC'));
    const c = countCases(detectLayout(root));
    expect(c).toEqual({
      train: 5,
      test: 3,
      mass: { train: 3, test: 1 },
      calc: { train: 2, test: 2 },
      filmsInMassAndCalc: 1,
      patientsInBothSplits: 1,
    });
  });

  it('Kaggle: a row without PatientID maps through its series UID; an unlisted case is one line naming the CSV row', async () => {
    const viaUid = fixture('kaggle-uid', { layout: 'kaggle', kaggleWithoutPatientId: ['Calc-Test_P_00101_LEFT_MLO'] });
    const d = await ds.load('test', { dataDir: viaUid.dataDir }, { root: viaUid.root, size: 8 });
    expect(summary(d)['Calc-Test_P_00101_LEFT_MLO']!.size).toBe('medium');

    const unlisted = fixture('kaggle-unlisted', { layout: 'kaggle', kaggleUnlisted: ['Calc-Test_P_00101_LEFT_MLO'] });
    const err = (await await ds
      .load('test', { dataDir: unlisted.dataDir }, { root: unlisted.root, size: 8 })
      .catch((e: unknown) => e)) as MstfError;
    expect(err).toBeInstanceOf(MstfError);
    expect(err.code).toBe('DATA_NOT_FOUND');
    expect(err.message.split('\n')).toHaveLength(1);
    expect(err.message).toBe(
      `cbis-ddsm: ${path.join(unlisted.root, 'csv', 'calc_case_description_test_set.csv')} row 2: Calc-Test_P_00101_LEFT_MLO has no "full mammogram images" series in ${path.join(unlisted.root, 'csv', 'dicom_info.csv')} (nor one with the series UID of ${
        fs
          .readFileSync(path.join(unlisted.root, 'csv', 'calc_case_description_test_set.csv'), 'utf8')
          .split('\r\n')[1]!
          .split(',')[11]
      })`,
    );
  });

  it('Kaggle: a dicom_info.csv without the mapping columns is one DATA_CORRUPT line, in load and in info', async () => {
    const { root, dataDir } = fixture('kaggle-badinfo', { layout: 'kaggle' });
    const info = path.join(root, 'csv', 'dicom_info.csv');
    fs.writeFileSync(info, 'file_path,image_path,Rows\nx,y,1\n');
    const err = (await await ds.load('test', { dataDir }, { root, size: 8 }).catch((e: unknown) => e)) as MstfError;
    expect(err.code).toBe('DATA_CORRUPT');
    expect(err.message).toBe(`${info}: missing column(s) patientid, seriesdescription, seriesinstanceuid`);
    const prev = process.env.MSTF_CBIS_DDSM_ROOT;
    process.env.MSTF_CBIS_DDSM_ROOT = root;
    try {
      expect(new CbisDdsmDataset().details({ dataDir })).toMatchObject({
        layout: 'kaggle-jpeg',
        csvSplits: { train: 5, test: 3 },
        csvProblem: err.message,
      });
    } finally {
      if (prev === undefined) delete process.env.MSTF_CBIS_DDSM_ROOT;
      else process.env.MSTF_CBIS_DDSM_ROOT = prev;
    }
  });

  it('datasets info details: layout, CSV counts, resolvable images, the first missing file', () => {
    const { root, dataDir } = fixture('details', { layout: 'nbia' });
    const cbis = new CbisDdsmDataset();
    const prev = process.env.MSTF_CBIS_DDSM_ROOT;
    process.env.MSTF_CBIS_DDSM_ROOT = root;
    try {
      expect(cbis.details({ dataDir })).toMatchObject({
        layout: 'nbia-dicom',
        csvSplits: { train: 5, test: 3, mass: { train: 3, test: 1 }, calc: { train: 2, test: 2 } },
        paperSplits: { train: 2489, test: 645 },
        resolvable: { train: 5, test: 3 },
        firstMissing: null,
      });
      // Remove one test mammogram: 2 of 3 resolve and the first missing row is named.
      const base = path.join(root, 'manifest-1654812109500', 'CBIS-DDSM', 'Calc-Test_P_00102_RIGHT_CC');
      fs.rmSync(base, { recursive: true });
      const d = cbis.details({ dataDir });
      expect(d.resolvable).toEqual({ train: 5, test: 2 });
      expect(d.firstMissing).toMatch(
        /calc_case_description_test_set\.csv row 3: no DICOM for Calc-Test_P_00102_RIGHT_CC\//,
      );
    } finally {
      if (prev === undefined) delete process.env.MSTF_CBIS_DDSM_ROOT;
      else process.env.MSTF_CBIS_DDSM_ROOT = prev;
    }
  });

  it('counts come from the CSVs: unique image paths per split and abnormality (synthetic CSVs of the real sizes)', () => {
    const root = path.join(tmp, 'synthetic');
    writeSyntheticCsvs(root);
    expect(countCases(detectLayout(root))).toEqual(SYNTHETIC);
  });
});

describe('memory at 800x800', () => {
  it('a split that does not fit is refused up front with the largest size that fits', () => {
    // 2458 x 800 x 800 = 1,573,120,000 bytes: fits in 2e9, not in 1e9; sqrt(1e9 / 2458) = 637.8.
    expect(() => checkSplitMemory('train', 2458, 800, 2e9)).not.toThrow();
    expect(largestFittingSize(2458, 1e9)).toBe(637);
    expect(() => checkSplitMemory('train', 2458, 800, 1e9)).toThrow(
      "cbis-ddsm: the train split at 800x800 is 2458 images, 1.5 GiB in memory, over the 0.9 GiB allowed (half this machine's memory); use size 637 or less",
    );
    expect(() => checkSplitMemory('train', 2458, 637, 1e9)).not.toThrow();
    expect(() => checkSplitMemory('train', 2458, 638, 1e9)).toThrow(/use size 637 or less/);
  });

  it('a search at 800 on wasm that cannot fit its indicator batch is refused up front, naming the size and batch that fit', async () => {
    // The default root, <data dir>/cbis-ddsm: search setup checks that the data is present there.
    const dataDir = path.join(tmp, 'search800', 'data');
    const root = path.join(dataDir, 'cbis-ddsm');
    fs.mkdirSync(root, { recursive: true });
    writeCbisFixture(root, IMAGES, { layout: 'nbia' });
    const boot = (backend: string) =>
      bootKernel({
        settings: { cwd: tmp, dataDir, storePath: path.join(tmp, 'search800.db'), backend },
        builtins: builtinPlugins,
        config: { options: { dataset: { 'cbis-ddsm': { root } } } },
      });
    const wasm = await boot('wasm');
    const at = (size: number, batchSize: number, indicators = ['snip', 'synflow']) =>
      resolveSearchConfig({ dataset: 'cbis-ddsm', size, indicators, channels: 4, batchSize });
    let message = '';
    try {
      resolveSetup(wasm, at(800, 4));
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(
      /^a search at 800x800 with an indicator batch of 4 needs at least \d+\.\d GiB to backpropagate \(lightest of 16 sampled networks\), over the wasm backend's 2\.0 GiB budget; use --size 224, --batch-size \d+ or less, fewer --channels, or the tensorflow backend$/,
    );
    // The batch size it names does fit; so does the paper's search size 224 at batch 4.
    const maxBatch = Number(/--batch-size (\d+)/.exec(message)![1]);
    expect(maxBatch).toBeGreaterThanOrEqual(1);
    expect(() => resolveSetup(wasm, at(800, maxBatch))).not.toThrow();
    expect(() => resolveSetup(wasm, at(224, 4))).not.toThrow();
    // Forward-only data indicators (the default jacob_cov): the forward-pass estimate. The default cpu preset
    // (C0 = 16, batch 32) at 800 is refused (it aborts the wasm module when run), C0 = 4 batch 4 is not.
    const forward = (size: number, channels: number, batchSize: number) =>
      resolveSearchConfig({ dataset: 'cbis-ddsm', size, indicators: ['jacob_cov', 'synflow'], channels, batchSize });
    expect(() => resolveSetup(wasm, forward(800, 16, 32))).toThrow(
      /^a search at 800x800 with an indicator batch of 32 needs at least \d+\.\d GiB for a forward pass .*; use --size 224, --batch-size \d+ or less/,
    );
    expect(() => resolveSetup(wasm, forward(224, 16, 32))).not.toThrow();
    expect(() => resolveSetup(wasm, forward(800, 4, 4))).not.toThrow();
    // Other backends are not limited by the wasm heap.
    const cpu = await boot('cpu');
    expect(() => resolveSetup(cpu, at(800, 4))).not.toThrow();
    expect(() => resolveSetup(cpu, forward(800, 16, 32))).not.toThrow();
  });
});
