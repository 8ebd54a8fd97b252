import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  CbisDdsmDataset,
  lesionSizeOf,
  valPatients,
  type CbisSplitData,
} from '../../plugins/dataset-cbis-ddsm/cbis.js';
import cbisPlugin from '../../plugins/dataset-cbis-ddsm/index.js';
import { decodeDicom } from '../../plugins/dataset-cbis-ddsm/dicom.js';
import { parseCsv } from '../../plugins/dataset-cbis-ddsm/csv.js';
import { readCases } from '../../plugins/dataset-cbis-ddsm/cases.js';
import { detectLayout } from '../../plugins/dataset-cbis-ddsm/layout.js';
import { bootKernel } from '../../core/kernel/loader.js';
import { loadSplit, sampleBatch } from '../../core/data/batch.js';
import { Rng } from '../../core/util/rng.js';
import { MstfError } from '../../core/errors.js';
import { FULL_COLS, FULL_ROWS, dicomBytes, halfImage, writeCbisFixture, type FixtureImage } from './fixtures.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mstf-cbis-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const PIXELS = FULL_ROWS * FULL_COLS; // 2400
// Lesion pixel counts for the paper's bins: 100/2400 = 0.0417 (large), 10/2400 = 0.00417 (medium),
// 1/2400 = 0.000417 (small).
const LARGE = 100;
const MEDIUM = 10;
const SMALL = 1;

const IMAGES: FixtureImage[] = [
  // Train: 6 patients, mass and calc, both layouts, several abnormalities on one image.
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
    abnormalities: [{ pathology: 'MALIGNANT', lesionPixels: MEDIUM }],
    maskFirst: true,
  },
  {
    type: 'mass',
    split: 'train',
    patient: 'P_00002',
    breast: 'RIGHT',
    view: 'CC',
    // Benign large + malignant small: label malignant, proportion = the largest (large).
    abnormalities: [
      { pathology: 'BENIGN', lesionPixels: LARGE },
      { pathology: 'MALIGNANT', lesionPixels: SMALL },
    ],
  },
  {
    type: 'mass',
    split: 'train',
    patient: 'P_00003',
    breast: 'LEFT',
    view: 'CC',
    abnormalities: [{ pathology: 'BENIGN_WITHOUT_CALLBACK', lesionPixels: SMALL }],
    csvLayout: true,
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
  {
    type: 'calc',
    split: 'train',
    patient: 'P_00005',
    breast: 'LEFT',
    view: 'CC',
    abnormalities: [{ pathology: 'MALIGNANT', lesionPixels: MEDIUM }],
  },
  {
    type: 'calc',
    split: 'train',
    patient: 'P_00006',
    breast: 'RIGHT',
    view: 'CC',
    abnormalities: [{ pathology: 'BENIGN', lesionPixels: LARGE }],
  },
  // Test: one per bin.
  {
    type: 'mass',
    split: 'test',
    patient: 'P_00100',
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
    maskFirst: true,
  },
];

function fixture(name: string): { root: string; dataDir: string } {
  const root = path.join(tmp, name, 'CBIS');
  const dataDir = path.join(tmp, name, 'data');
  fs.mkdirSync(root, { recursive: true });
  writeCbisFixture(root, IMAGES);
  return { root, dataDir };
}

function byId(d: CbisSplitData): Record<string, { label: number; p: number; size: string; type: string }> {
  return Object.fromEntries(
    d.ids.map((id, i) => [
      id,
      { label: d.labels[i]!, p: d.lesionProportion[i]!, size: d.lesionSize[i]!, type: d.types[i]! },
    ]),
  );
}

describe('DICOM decoding', () => {
  it('16-bit MONOCHROME2: windowed to min..max', () => {
    const f = path.join(tmp, 'a.dcm');
    fs.writeFileSync(f, dicomBytes({ rows: 2, cols: 3, bits: 16, pixels: [1000, 1500, 3000, 2000, 1000, 3000] }));
    const g = decodeDicom(f);
    expect([g.rows, g.cols]).toEqual([2, 3]);
    expect([...g.pixels]).toEqual([0, 64, 255, 128, 0, 255]); // (v-1000)*255/2000, rounded
  });

  it('8-bit MONOCHROME1 is inverted', () => {
    const f = path.join(tmp, 'b.dcm');
    fs.writeFileSync(f, dicomBytes({ rows: 1, cols: 3, bits: 8, pixels: [10, 20, 30], photometric: 'MONOCHROME1' }));
    expect([...decodeDicom(f).pixels]).toEqual([255, 127, 0]); // 255 - round((v-10)*255/20): 255 - round(127.5)
  });

  it('a JPEG-compressed transfer syntax -> one line naming the file', () => {
    const f = path.join(tmp, 'jpeg.dcm');
    fs.writeFileSync(
      f,
      dicomBytes({ rows: 1, cols: 2, bits: 8, pixels: [1, 2], transferSyntax: '1.2.840.10008.1.2.4.70' }),
    );
    expect(() => decodeDicom(f)).toThrow(
      `${f}: compressed or unsupported DICOM transfer syntax 1.2.840.10008.1.2.4.70 (JPEG Lossless SV1)`,
    );
  });

  it('not a DICOM / truncated pixel data -> DATA_CORRUPT naming the file', () => {
    const f = path.join(tmp, 'junk.dcm');
    fs.writeFileSync(f, 'not dicom at all');
    expect(() => decodeDicom(f)).toThrow(
      new RegExp(`^${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: not a readable DICOM file`),
    );
    const full = dicomBytes({ rows: 10, cols: 10, bits: 16, pixels: new Array(100).fill(5) });
    const g = path.join(tmp, 'short.dcm');
    fs.writeFileSync(g, full.subarray(0, full.length - 50));
    const err = (() => {
      try {
        decodeDicom(g);
      } catch (e) {
        return e as MstfError;
      }
    })();
    expect(err).toBeInstanceOf(MstfError);
    expect(err!.code).toBe('DATA_CORRUPT');
    expect(err!.message.startsWith(g)).toBe(true);
  });
});

describe('CBIS-DDSM CSVs', () => {
  it('parses quoted fields with commas, quotes and newlines', () => {
    expect(parseCsv('a,b,c\r\n"x, y","say ""hi""","p/q.dcm\n"\n')).toEqual([
      ['a', 'b', 'c'],
      ['x, y', 'say "hi"', 'p/q.dcm\n'],
    ]);
  });

  it('groups abnormalities per image; malignant if any is malignant', () => {
    const { root } = fixture('cases');
    const train = readCases(detectLayout(root), ['mass', 'calc'], 'train');
    expect(train.map((c) => c.key)).toEqual([
      'Calc-Training_P_00004_RIGHT_MLO',
      'Calc-Training_P_00005_LEFT_CC',
      'Calc-Training_P_00006_RIGHT_CC',
      'Mass-Training_P_00001_LEFT_CC',
      'Mass-Training_P_00001_LEFT_MLO',
      'Mass-Training_P_00002_RIGHT_CC',
      'Mass-Training_P_00003_LEFT_CC',
    ]);
    const p2 = train.find((c) => c.patientId === 'P_00002')!;
    expect(p2.abnormalities.map((a) => a.pathology)).toEqual(['BENIGN', 'MALIGNANT']);
    expect(p2.label).toBe(1);
    expect(train.find((c) => c.patientId === 'P_00003')!.label).toBe(0); // BENIGN_WITHOUT_CALLBACK
    expect(readCases(detectLayout(root), ['calc'], 'test').map((c) => c.key)).toEqual([
      'Calc-Test_P_00101_LEFT_MLO',
      'Calc-Test_P_00102_RIGHT_CC',
    ]);
  });

  it('lesion-size bins of the paper (Table VI)', () => {
    expect(lesionSizeOf(0.0417)).toBe('large');
    expect(lesionSizeOf(0.0101)).toBe('large');
    expect(lesionSizeOf(0.01)).toBe('medium');
    expect(lesionSizeOf(0.001)).toBe('medium');
    expect(lesionSizeOf(0.000999)).toBe('small');
    expect(lesionSizeOf(2.08e-5)).toBe('small');
  });
});

describe('CBIS-DDSM end to end (generated DICOMs + CSVs)', () => {
  const ds = new CbisDdsmDataset();

  it('loads the test split: images resized, labels, lesion proportions in the expected bins', async () => {
    const { root, dataDir } = fixture('e2e');
    const d = await ds.load('test', { dataDir }, { root, size: 16 });
    expect(d.shape).toEqual([3, 16, 16, 1]);
    expect(d.labelWidth).toBe(1);
    expect(byId(d)).toEqual({
      'Calc-Test_P_00101_LEFT_MLO': { label: 0, p: MEDIUM / PIXELS, size: 'medium', type: 'calc' },
      'Calc-Test_P_00102_RIGHT_CC': { label: 1, p: SMALL / PIXELS, size: 'small', type: 'calc' },
      'Mass-Test_P_00100_LEFT_CC': { label: 1, p: LARGE / PIXELS, size: 'large', type: 'mass' },
    });
    // Full image: left half 1000, right half 3000 -> 0 | 255 after windowing; 40 -> 16 columns by area
    // keeps the halves apart exactly (column 8 starts at input column 20).
    const img = d.images.subarray(0, 256);
    for (let y = 0; y < 16; y++) {
      expect([...img.subarray(y * 16, y * 16 + 16)]).toEqual([...new Array(8).fill(0), ...new Array(8).fill(255)]);
    }
  });

  it('train/val: patient-level split of the training images, seeded, disjoint, complete', async () => {
    const { root, dataDir } = fixture('split');
    const opts = { root, size: 8, valFraction: 0.34, seed: 3 };
    const train = await ds.load('train', { dataDir }, opts);
    const val = await ds.load('val', { dataDir }, opts);
    expect(train.shape[0] + val.shape[0]).toBe(7);
    const trainPatients = new Set(train.patientIds);
    const valPatientsSeen = new Set(val.patientIds);
    expect([...valPatientsSeen].filter((p) => trainPatients.has(p))).toEqual([]);
    expect(valPatientsSeen.size).toBe(2); // round(0.34 * 6)
    expect(new Set([...train.ids, ...val.ids]).size).toBe(7);
    // Same seed, same split; the MLO view of P_00001 goes with its CC view.
    const again = await ds.load('val', { dataDir }, opts);
    expect(again.ids).toEqual(val.ids);
    const all = byId(train);
    Object.assign(all, byId(val));
    expect(all['Mass-Training_P_00002_RIGHT_CC']).toEqual({ label: 1, p: LARGE / PIXELS, size: 'large', type: 'mass' });
    expect(all['Mass-Training_P_00001_LEFT_MLO']!.size).toBe('medium'); // mask written as 1-1.dcm
    expect(all['Mass-Training_P_00003_LEFT_CC']).toEqual({ label: 0, p: SMALL / PIXELS, size: 'small', type: 'mass' }); // CSV layout
    // valPatients is a pure function of the patient set and the seed.
    const cases = readCases(detectLayout(root), ['mass', 'calc'], 'train');
    expect([...valPatients(cases, 0.34, 3)].sort()).toEqual([...valPatientsSeen].sort());
    expect(valPatients(cases, 0, 3).size).toBe(0);
  });

  it('MONOCHROME1 images are inverted; abnormality filter', async () => {
    const { root, dataDir } = fixture('mono1');
    const d = await ds.load('train', { dataDir }, { root, size: 8, abnormality: 'calc', valFraction: 0 });
    expect(d.types).toEqual(['calc', 'calc', 'calc']);
    const i = d.ids.indexOf('Calc-Training_P_00004_RIGHT_MLO');
    expect([...d.images.subarray(i * 64, i * 64 + 8)]).toEqual([255, 255, 255, 255, 0, 0, 0, 0]);
    const j = d.ids.indexOf('Calc-Training_P_00005_LEFT_CC');
    expect([...d.images.subarray(j * 64, j * 64 + 8)]).toEqual([0, 0, 0, 0, 255, 255, 255, 255]);
    // Bad options given directly to load() are one INVALID_ARGUMENT line.
    await expect(ds.load('train', { dataDir }, { root, size: 3 })).rejects.toThrow(
      /^cbis-ddsm: invalid options \(size: /,
    );
  });

  it('a second load reads the cache, not the DICOMs', async () => {
    const { root, dataDir } = fixture('cache');
    const first = await ds.load('test', { dataDir }, { root, size: 12 });
    // Remove every DICOM: only the cache can serve the images and proportions now.
    for (const f of fs.readdirSync(root, { recursive: true }) as string[])
      if (f.endsWith('.dcm')) fs.rmSync(path.join(root, f));
    const second = await ds.load('test', { dataDir }, { root, size: 12 });
    expect(second.ids).toEqual(first.ids);
    expect([...second.images]).toEqual([...first.images]);
    expect([...second.lesionProportion]).toEqual([...first.lesionProportion]);
    expect(fs.readdirSync(path.join(dataDir, 'cbis-ddsm-cache', 'img-12')).sort()).toEqual([
      'Calc-Test_P_00101_LEFT_MLO.u8',
      'Calc-Test_P_00102_RIGHT_CC.u8',
      'Mass-Test_P_00100_LEFT_CC.u8',
    ]);
    // Another size is not cached and the DICOMs are gone: a clear DATA_NOT_FOUND.
    await expect(ds.load('test', { dataDir }, { root, size: 10 })).rejects.toThrow(
      /^cbis-ddsm: .*calc_case_description_test_set\.csv row 2: no DICOM for Calc-Test_P_00101_LEFT_MLO\/.* under /,
    );
  });

  it('missing CSVs -> DATA_NOT_FOUND telling where to get the data', async () => {
    const dataDir = path.join(tmp, 'none');
    const err = (await await ds.load('train', { dataDir }).catch((e: unknown) => e)) as MstfError;
    expect(err).toBeInstanceOf(MstfError);
    expect(err.code).toBe('DATA_NOT_FOUND');
    expect(err.message).toContain(`mass_case_description_train_set.csv is not in ${path.join(dataDir, 'cbis-ddsm')}`);
    expect(err.message).toContain('cancerimagingarchive.net');
    expect(ds.isPresent({ dataDir })).toBe(false);
  });

  it('through the kernel: configured options, loadSplit, sampleBatch', async () => {
    const { root, dataDir } = fixture('kernel');
    const kernel = await bootKernel({
      settings: { cwd: tmp, dataDir, storePath: path.join(tmp, 'k.db') },
      builtins: [cbisPlugin],
      config: { options: { dataset: { 'cbis-ddsm': { root, size: 20 } } } },
    });
    const { dataset, data } = await loadSplit(kernel, 'cbis-ddsm', 'test');
    expect(data.shape).toEqual([3, 20, 20, 1]);
    const b = sampleBatch(data, 2, new Rng(0), dataset);
    expect(b.shape).toEqual([2, 20, 20, 1]);
    expect(b.task).toBe('binary-class');
    expect(Math.min(...b.x)).toBe(-1);
    expect(Math.max(...b.x)).toBe(1);
    const small = await loadSplit(kernel, 'cbis-ddsm', 'test', { size: 8 });
    expect(small.data.shape).toEqual([3, 8, 8, 1]);
    await expect(
      bootKernel({
        settings: { cwd: tmp, dataDir, storePath: path.join(tmp, 'k.db') },
        builtins: [cbisPlugin],
        config: { options: { dataset: { 'cbis-ddsm': { abnormality: 'lesion' } } } },
      }),
    ).rejects.toThrow(/invalid options for dataset "cbis-ddsm" \(abnormality:/);
  });
});

describe('full-size shape sanity', () => {
  it('halfImage fixture is FULL_ROWS x FULL_COLS', () => {
    expect(halfImage(1, 2)).toHaveLength(FULL_ROWS * FULL_COLS);
  });
});
