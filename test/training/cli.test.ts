import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliBin, runCli, tempDir } from '../helpers/cli.js';
import { RunStore } from '../../core/store/run-store.js';
import { resolveSearchConfig } from '../../core/search/config.js';
import { writeCbisFixture, type FixtureImage } from '../data/fixtures.js';

// One block of the mstf space: sep3x3(in) -> sep5x5 -> sep7x7 -> dil sep3x3 -> identity; pools max2, avg2, max3, avg3.
const BLOCK = '0,0,1,1,2,2,3,3,6,4,0,1,2,3';
const GENOTYPE3 = [BLOCK, BLOCK, BLOCK].join(',');
const GENOTYPE4 = [BLOCK, BLOCK, BLOCK, BLOCK].join(',');

const cwd = tempDir('mstf-train-cli-');
afterAll(() => fs.rmSync(cwd, { recursive: true, force: true }));

function jsonLines(stdout: string): Record<string, any>[] {
  return stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
}

describe('mstf train: bad input is one line, nothing written', () => {
  it('without a model source', async () => {
    const r = await runCli(['train', '--dataset', 'breastmnist'], { cwd });
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(
      'mstf: INVALID_ARGUMENT: say what to train: --genotype "<g>" [--space mstf], --run <searchId> or --model resnet18',
    );
  });

  it('an unknown dataset, a bad genotype, --resume without --out', async () => {
    const a = await runCli(['train', '--model', 'resnet18', '--dataset', 'nosuchmnist'], { cwd });
    expect(a.code).toBe(1);
    expect(a.stderr).toMatch(/^mstf: [A-Z_]+: unknown dataset "nosuchmnist" \(known: .*breastmnist.*\)\n$/);
    const b = await runCli(['train', '--genotype', '9,0', '--dataset', 'breastmnist'], { cwd });
    expect(b.code).toBe(1);
    expect(b.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    const c = await runCli(['train', '--model', 'resnet18', '--dataset', 'breastmnist', '--resume'], { cwd });
    expect(c.stderr.trim()).toBe('mstf: INVALID_ARGUMENT: --resume needs --out <dir> of the training to continue');
    const d = await runCli(['train', '--model', 'resnet18', '--channels', '16', '--dataset', 'breastmnist'], { cwd });
    expect(d.stderr.trim()).toBe(
      'mstf: INVALID_ARGUMENT: --channels and --blocks apply to searched architectures, not to --model resnet18',
    );
    expect(fs.existsSync(path.join(cwd, '.mstf', 'trainings'))).toBe(false);
  });
});

describe('mstf train end to end (embedded BreastMNIST)', () => {
  it('--genotype --space mstf: JSON lines per epoch, a final metrics line, files in --out', async () => {
    const out = path.join(cwd, 'g1');
    const r = await runCli(
      [
        'train',
        '--genotype',
        GENOTYPE3,
        '--space',
        'mstf',
        '--channels',
        '4',
        '--dataset',
        'breastmnist',
        '--epochs',
        '2',
        '--batch-size',
        '16',
        '--max-train',
        '32',
        '--max-eval',
        '24',
        '--out',
        out,
        '--predictions',
        path.join(out, 'pred.csv'),
        '--json',
      ],
      { cwd },
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = jsonLines(r.stdout);
    expect(lines.map((l) => l.type)).toEqual(['start', 'epoch', 'epoch', 'done']);
    const done = lines[3]!;
    expect(done.state).toBe('completed');
    expect(done.test.acc).toBeGreaterThanOrEqual(0);
    expect(done.test.acc).toBeLessThanOrEqual(1);
    expect(done.config.model).toMatchObject({ kind: 'genotype', space: 'mstf', options: { channels: 4 } });
    expect(done.config.trainSize).toBe(32);
    expect(done.config.milestones).toEqual([1, 2]);
    const status = JSON.parse(fs.readFileSync(path.join(out, 'status.json'), 'utf8'));
    expect(status).toMatchObject({ state: 'completed', epoch: 2, epochs: 2 });
    expect(fs.readFileSync(path.join(out, 'pred.csv'), 'utf8').trim().split('\n')).toHaveLength(25);
    expect(fs.existsSync(path.join(out, 'model', 'weights.bin'))).toBe(true);
  });

  it("--run <searchId>: trains the selected genotype with the search's space, channels and dataset", async () => {
    const storePath = path.join(cwd, 'store.db');
    const store = RunStore.open(storePath);
    const id = store.createSearch(resolveSearchConfig({ dataset: 'breastmnist', channels: 4 }));
    const candidateId = store.recordCandidate({
      searchId: id,
      generation: 0,
      idx: 0,
      genotype: GENOTYPE3,
      hash: 'h',
      state: 'ok',
      degenerate: false,
      scores: {},
      flops: null,
      params: null,
      flags: [],
      ms: 1,
    });
    store.saveResult(id, { candidateId, objectives: [0, 0], normalised: {}, violation: 0 }, []);
    store.close();
    const out = path.join(cwd, 'from-run');
    const r = await runCli(
      [
        'train',
        '--run',
        id,
        '--store',
        storePath,
        '--epochs',
        '1',
        '--batch-size',
        '16',
        '--max-train',
        '16',
        '--max-eval',
        '16',
        '--out',
        out,
        '--json',
      ],
      { cwd },
    );
    expect(r.stderr).toBe('');
    const done = jsonLines(r.stdout).at(-1)!;
    expect(done.config.dataset).toBe('breastmnist');
    expect(done.config.model).toMatchObject({
      kind: 'genotype',
      space: 'mstf',
      genotype: GENOTYPE3,
      searchId: id,
      options: { channels: 4 },
    });

    const missing = await runCli(['train', '--run', 'nope', '--store', storePath], { cwd });
    expect(missing.stderr.trim()).toMatch(/^mstf: NOT_FOUND: search "nope" is not in the run store /);
  });
});

describe('SIGTERM checkpoints, --resume continues', () => {
  it('a real process: cancelled with exit code 130, then resumed to completion', async () => {
    const out = path.join(cwd, 'sigterm');
    const args = [
      'train',
      '--genotype',
      GENOTYPE3,
      '--channels',
      '4',
      '--dataset',
      'breastmnist',
      '--epochs',
      '2',
      '--batch-size',
      '4',
      '--max-train',
      '64',
      '--max-eval',
      '16',
      '--out',
      out,
      '--json',
    ];
    const child = spawn(process.execPath, [cliBin, ...args], { cwd });
    let stdout = '';
    const code = await new Promise<number | null>((resolve) => {
      child.stdout.on('data', (d: Buffer) => {
        const before = stdout;
        stdout += String(d);
        // Training starts right after the 'start' line: stop it there (16 steps per epoch are left).
        if (!before.includes('"type":"start"') && stdout.includes('"type":"start"')) child.kill('SIGTERM');
      });
      child.on('close', (c) => resolve(c));
    });
    expect(code).toBe(130);
    const lines = jsonLines(stdout);
    expect(lines.at(-1)).toMatchObject({ type: 'cancelled', epoch: 0 });
    expect(JSON.parse(fs.readFileSync(path.join(out, 'status.json'), 'utf8')).state).toBe('cancelled');
    const stoppedAt = lines.at(-1)!.step as number;
    expect(stoppedAt).toBeLessThan(16);

    const r = await runCli([...args, '--resume'], { cwd });
    expect(r.stderr).toBe('');
    const resumed = jsonLines(r.stdout);
    expect(resumed[0]).toMatchObject({ type: 'start', startEpoch: 0, startStep: stoppedAt });
    expect(resumed.at(-1)).toMatchObject({ type: 'done', state: 'completed', bestEpoch: expect.any(Number) });
  });
});

describe('CBIS-DDSM: a generated set of DICOMs + CSVs, loaded and trained for one epoch', () => {
  it('trains a 4-block mstf network at 32x32', async () => {
    const root = path.join(cwd, 'CBIS');
    fs.mkdirSync(root, { recursive: true });
    const images: FixtureImage[] = [];
    const pathologies = ['MALIGNANT', 'BENIGN'] as const;
    for (let p = 0; p < 8; p++) {
      images.push({
        type: p % 2 ? 'calc' : 'mass',
        split: 'train',
        patient: `P_${String(p + 1).padStart(5, '0')}`,
        breast: p % 2 ? 'RIGHT' : 'LEFT',
        view: 'CC',
        abnormalities: [{ pathology: pathologies[p % 2]!, lesionPixels: 10 + p }],
      });
    }
    for (let p = 0; p < 4; p++) {
      images.push({
        type: 'mass',
        split: 'test',
        patient: `P_${String(p + 100).padStart(5, '0')}`,
        breast: 'LEFT',
        view: 'MLO',
        abnormalities: [{ pathology: pathologies[p % 2]!, lesionPixels: 20 }],
      });
    }
    writeCbisFixture(root, images);
    const out = path.join(cwd, 'cbis');
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
        '32',
        '--epochs',
        '1',
        '--batch-size',
        '4',
        '--out',
        out,
        '--data-dir',
        path.join(cwd, 'data'),
        '--json',
      ],
      { cwd, env: { MSTF_CBIS_DDSM_ROOT: root } },
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = jsonLines(r.stdout);
    const start = lines[0]!;
    // 8 training images, 10% of 8 patients (round(0.8) = 1) held out for validation; 4 test images.
    expect([start.train, start.val, start.test]).toEqual([7, 1, 4]);
    const done = lines.at(-1)!;
    expect(done.config).toMatchObject({ dataset: 'cbis-ddsm', task: 'binary-class', inputShape: [32, 32, 1] });
    expect(done.history).toBeUndefined();
    expect(done.test.acc).toBeGreaterThanOrEqual(0);
    // 2 malignant + 2 benign test images: the AUC is defined.
    expect(Number.isFinite(done.test.auc)).toBe(true);
    expect(fs.existsSync(path.join(out, 'model', 'model.json'))).toBe(true);
  });
});
