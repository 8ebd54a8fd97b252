/**
 * `mstf train` at the paper's width on the wasm backend: the default batch of 128 does not fit the 4 GiB
 * heap for MSTF at C0 = 128 or ResNet-50, so the step is split into micro-batches (recorded in the start
 * line and metrics.json) instead of aborting the wasm module. Subsets keep the runs short: the one step of
 * 24 training images is split like a full batch (micro-batches of at most 22 and 19 for these networks),
 * here into two of 12; `npm run bench -- train-step` measures the heap at the planned micro-batch sizes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';

// The main job's pick (docs/results.md: quick BreastMNIST search 20261127-224429-270a27).
const PICK = '1,0,1,1,0,2,1,1,0,0,5,2,3,3,1,0,0,0,3,0,0,2,4,1,4,1,0,3,1,0,6,1,2,1,0,1,4,0,5,1,4,5';
const WASM = { MSTF_BACKEND: 'wasm' };
const LONG = 600_000;

const cwd = tempDir('mstf-train-memory-');
afterAll(() => fs.rmSync(cwd, { recursive: true, force: true }));

const metricsOf = (out: string) => JSON.parse(fs.readFileSync(path.join(out, 'metrics.json'), 'utf8'));

describe('mstf train on wasm at batch 128: micro-batches instead of a dead wasm module', () => {
  it(
    `--genotype <pick> --channels 128 --dataset breastmnist --epochs 1: completes, says its micro-batch`,
    async () => {
      const out = path.join(cwd, 'mstf128');
      const r = await runCli(
        [
          'train',
          '--genotype',
          PICK,
          '--channels',
          '128',
          '--dataset',
          'breastmnist',
          '--epochs',
          '1',
          '--max-train',
          '24',
          '--max-eval',
          '4',
          '--out',
          out,
        ],
        { cwd, env: WASM, timeoutMs: LONG },
      );
      expect(r.stderr).not.toMatch(/Aborted|RuntimeError/);
      expect(r.code).toBe(0);
      const start = r.stderr.split('\n').find((l) => l.startsWith('24 train / 4 val / 4 test images'));
      expect(start).toMatch(
        /, 1 steps per epoch; micro-batch (\d+) \((\d+) per batch of 128\): a batch of 128 needs about \d+\.\d\d GiB \(estimate\), over the wasm backend's 4 GiB heap; gradients accumulated over \2 micro-batches of at most \1 /,
      );
      const m = metricsOf(out);
      expect(m.run.backend).toBe('wasm');
      expect(m.config.batchSize).toBe(128);
      expect(m.memory.backend).toBe('wasm');
      expect(m.memory.microBatch).toBeGreaterThan(1);
      expect(m.memory.microBatch).toBeLessThan(128);
      expect(m.memory.microBatches).toBe(Math.ceil(128 / m.memory.microBatch));
      expect(m.memory.stepBytes).toBeLessThanOrEqual(m.memory.limitBytes);
      expect(start).toContain(`micro-batch ${m.memory.microBatch} (${m.memory.microBatches} per batch of 128)`);
      expect(Number.isFinite(m.history[0].trainLoss)).toBe(true);
    },
    LONG,
  );

  it(
    '--model resnet50 --dataset breastmnist --epochs 1 --json: completes; the start event and metrics.json carry the plan',
    async () => {
      const out = path.join(cwd, 'resnet50');
      const r = await runCli(
        [
          'train',
          '--model',
          'resnet50',
          '--dataset',
          'breastmnist',
          '--epochs',
          '1',
          '--max-train',
          '24',
          '--max-eval',
          '4',
          '--out',
          out,
          '--json',
        ],
        { cwd, env: WASM, timeoutMs: LONG },
      );
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const lines = r.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(lines.map((l) => l.type)).toEqual(['start', 'epoch', 'done']);
      const plan = lines[0].memory;
      expect(plan).toMatchObject({ backend: 'wasm', batchSize: 128, limitBytes: 4294901760 });
      expect(plan.microBatch).toBeLessThan(128);
      expect(lines[2].memory).toEqual(plan);
      expect(metricsOf(out).memory).toEqual(plan);
      expect(lines[2].state).toBe('completed');
    },
    LONG,
  );

  it('--micro-batch that would overflow the heap: one line naming the estimate and the limit, nothing written', async () => {
    const out = path.join(cwd, 'refused');
    const r = await runCli(
      [
        'train',
        '--model',
        'resnet50',
        '--dataset',
        'breastmnist',
        '--epochs',
        '1',
        '--micro-batch',
        '128',
        '--out',
        out,
      ],
      { cwd, env: WASM },
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^mstf: [A-Z_]+: --micro-batch 128: a step needs about \d+\.\d\d GiB \(estimate\), over the wasm backend's 4 GiB heap \(4\.00 GiB\); use --micro-batch \d+ or less, or auto\n$/,
    );
    expect(fs.existsSync(out)).toBe(false);
    const bad = await runCli(['train', '--model', 'resnet18', '--dataset', 'breastmnist', '--micro-batch', 'half'], {
      cwd,
      env: WASM,
    });
    expect(bad.stderr).toMatch(/^mstf: [A-Z_]+: --micro-batch must be a positive integer or auto, got "half"\n$/);
  });
});
