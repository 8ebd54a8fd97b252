/**
 * CBIS-DDSM through the built CLI: `mstf datasets info cbis-ddsm` on the NBIA and Kaggle layouts and on
 * synthetic CSVs of the official sizes, and a one-epoch `mstf train` at 224x224 from each layout.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';
import { writeCbisFixture, type FixtureImage, type FixtureLayout } from './fixtures.js';
import { writeSyntheticCsvs } from './cbis-synthetic.js';

const cwd = tempDir('mstf-cbis-cli-');
afterAll(() => fs.rmSync(cwd, { recursive: true, force: true }));

// One block of the mstf space: sep3x3(in) -> sep5x5 -> sep7x7 -> dil sep3x3 -> identity; pools max2, avg2, max3, avg3.
const BLOCK = '0,0,1,1,2,2,3,3,6,4,0,1,2,3';
const GENOTYPE4 = [BLOCK, BLOCK, BLOCK, BLOCK].join(',');

/** 4 training patients (2 malignant, 2 benign), 2 test images (1 + 1, so the AUC is defined). */
const IMAGES: FixtureImage[] = [
  ...[0, 1, 2, 3].map(
    (p): FixtureImage => ({
      type: p % 2 ? 'calc' : 'mass',
      split: 'train',
      patient: `P_0000${p + 1}`,
      breast: 'LEFT',
      view: 'CC',
      abnormalities: [{ pathology: p < 2 ? 'MALIGNANT' : 'BENIGN', lesionPixels: 10 + p }],
    }),
  ),
  {
    type: 'mass',
    split: 'test',
    patient: 'P_00100',
    breast: 'RIGHT',
    view: 'MLO',
    abnormalities: [{ pathology: 'MALIGNANT', lesionPixels: 30 }],
  },
  {
    type: 'calc',
    split: 'test',
    patient: 'P_00101',
    breast: 'RIGHT',
    view: 'CC',
    abnormalities: [{ pathology: 'BENIGN', lesionPixels: 3 }],
  },
];

function fixture(layout: FixtureLayout): string {
  const root = path.join(cwd, layout);
  fs.mkdirSync(root, { recursive: true });
  writeCbisFixture(root, IMAGES, { layout });
  return root;
}

function jsonLines(stdout: string): Record<string, any>[] {
  return stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
}

describe('mstf datasets info cbis-ddsm', () => {
  it("synthetic CSVs of the official sizes: train 2458 / test 645 from the CSVs, the paper's 2489 beside", async () => {
    const root = path.join(cwd, 'synthetic');
    writeSyntheticCsvs(root);
    const env = { MSTF_CBIS_DDSM_ROOT: root };
    const j = await runCli(['datasets', 'info', 'cbis-ddsm', '--json', '--data-dir', path.join(cwd, 'dd')], {
      cwd,
      env,
    });
    expect(j.stderr).toBe('');
    const d = JSON.parse(j.stdout);
    expect(d.details).toMatchObject({
      root,
      csvSplits: { train: 2458, test: 645, mass: { train: 1231, test: 361 }, calc: { train: 1227, test: 284 } },
      paperSplits: { train: 2489, test: 645 },
      filmsInMassAndCalc: 42,
      patientsInBothSplits: 31,
      // No images at all: nothing resolves, and the first missing row is named.
      resolvable: { train: 0, test: 0 },
    });
    expect(d.details.firstMissing).toMatch(
      /^cbis-ddsm: .*calc_case_description_train_set\.csv row 2: no DICOM for Calc-Training_P_00000_LEFT_CC\//,
    );
    const t = await runCli(['datasets', 'info', 'cbis-ddsm', '--data-dir', path.join(cwd, 'dd')], { cwd, env });
    expect(t.stdout).toContain('splits:    train 2458, val 0, test 645');
    expect(t.stdout).toContain(
      'csvSplits: {"train":2458,"test":645,"mass":{"train":1231,"test":361},"calc":{"train":1227,"test":284}}',
    );
    expect(t.stdout).toContain('paperSplits: {"train":2489,"test":645}');
  });

  it.each(['nbia', 'kaggle'] as const)(
    '%s layout: reports the layout and that every image resolves',
    async (layout) => {
      const root = fixture(layout);
      const r = await runCli(['datasets', 'info', 'cbis-ddsm', '--json', '--data-dir', path.join(cwd, 'dd')], {
        cwd,
        env: { MSTF_CBIS_DDSM_ROOT: root },
      });
      expect(r.stderr).toBe('');
      expect(JSON.parse(r.stdout).details).toMatchObject({
        layout: layout === 'nbia' ? 'nbia-dicom' : 'kaggle-jpeg',
        csvSplits: { train: 4, test: 2, mass: { train: 2, test: 1 }, calc: { train: 2, test: 1 } },
        resolvable: { train: 4, test: 2 },
        firstMissing: null,
      });
    },
  );
});

describe('mstf train on CBIS-DDSM at 224x224, one epoch', () => {
  it.each(['nbia', 'kaggle'] as const)(
    '%s layout',
    async (layout) => {
      const root = layout === 'nbia' ? path.join(cwd, 'nbia') : path.join(cwd, 'kaggle');
      if (!fs.existsSync(root)) fixture(layout);
      const out = path.join(cwd, `train-${layout}`);
      const r = await runCli(
        [
          'train',
          '--genotype',
          GENOTYPE4,
          '--space',
          'mstf',
          '--blocks',
          '4',
          '--channels',
          '4',
          '--dataset',
          'cbis-ddsm',
          '--size',
          '224',
          '--epochs',
          '1',
          '--batch-size',
          '4',
          '--out',
          out,
          '--data-dir',
          path.join(cwd, `data-${layout}`),
          '--json',
        ],
        { cwd, env: { MSTF_CBIS_DDSM_ROOT: root }, timeoutMs: 300_000 },
      );
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const lines = jsonLines(r.stdout);
      // 4 training patients, round(0.1 * 4) -> at least 1 held out for validation; 2 test images.
      expect([lines[0]!.train, lines[0]!.val, lines[0]!.test]).toEqual([3, 1, 2]);
      const done = lines.at(-1)!;
      expect(done.config).toMatchObject({ dataset: 'cbis-ddsm', task: 'binary-class', inputShape: [224, 224, 1] });
      expect(Number.isFinite(done.test.auc)).toBe(true);
    },
    320_000,
  );
});
