import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBackend } from '../../plugins/engine-tfjs/backend.js';
import { compileNetwork } from '../../plugins/engine-tfjs/compile.js';
import { embeddedDataDir } from '../../core/data/locations.js';
import { BestTracker } from '../../core/training/selection.js';
import { evaluateSplit, trainNetwork, type TrainingEvent, type TrainingMetrics } from '../../core/training/trainer.js';
import { subset } from '../../core/training/service.js';
import { readStatus } from '../../core/training/status.js';
import { getACC } from '../../core/training/metrics.js';
import { Rng } from '../../core/util/rng.js';
import { MedMnistDataset } from '../../plugins/dataset-medmnist/medmnist.js';
import { MEDMNIST_SUBSETS } from '../../plugins/dataset-medmnist/subsets.js';
import { syntheticDataset, syntheticSplit, tinyIR } from './fixtures.js';
import { tfjsEngine } from '../../plugins/engine-tfjs/index.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mstf-train-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
beforeAll(async () => {
  await ensureBackend();
});

describe('best-validation-AUC model selection', () => {
  it('keeps the first strictly best epoch; NaN never wins', () => {
    // mock epochs: val AUC 0.6, 0.8, NaN, 0.8 (tie: not better), 0.7
    const t = new BestTracker();
    const improved = [0.6, 0.8, NaN, 0.8, 0.7].map((auc, epoch) => t.update(epoch, auc));
    expect(improved).toEqual([true, true, false, false, false]);
    expect(t.bestEpoch).toBe(1);
    expect(t.bestValAuc).toBe(0.8);
  });

  it('starts from a checkpoint state and only NaN epochs leave it empty', () => {
    const resumed = new BestTracker({ bestValAuc: 0.9, bestEpoch: 4 });
    expect(resumed.update(5, 0.85)).toBe(false);
    expect(resumed.bestEpoch).toBe(4);
    const empty = new BestTracker();
    expect(empty.update(0, NaN)).toBe(false);
    expect(empty.bestEpoch).toBeNull();
    expect(empty.bestValAuc).toBeNull();
  });
});

describe('a tiny training on real BreastMNIST (embedded 28x28 file)', () => {
  const ds = new MedMnistDataset(MEDMNIST_SUBSETS.find((s) => s.flag === 'breastmnist')!);
  const loc = { dataDir: embeddedDataDir() };
  const outDir = path.join(tmp, 'breast');
  const predictions = path.join(tmp, 'breast-pred.csv');
  let metrics: TrainingMetrics;
  const events: TrainingEvent[] = [];
  let data: Awaited<ReturnType<typeof load>>;

  async function load() {
    const [train, val, test] = [await ds.load('train', loc), await ds.load('val', loc), await ds.load('test', loc)];
    return { dataset: ds, train: subset(train, 96, new Rng(1)), val, test };
  }

  beforeAll(async () => {
    data = await load();
    const net = compileNetwork(tinyIR(28, 1, 2), { seed: 3 });
    metrics = (await trainNetwork(net, data, {
      engine: tfjsEngine,
      id: 'tiny-breast',
      outDir,
      epochs: 4,
      batchSize: 32,
      lr: 0.01,
      seed: 3,
      config: { what: 'tiny' },
      predictionsFile: predictions,
      onEvent: (e) => events.push(e),
    }))!;
    net.dispose();
  });

  it('lowers the training loss and follows the lr schedule', () => {
    const losses = metrics.history.map((h) => h.trainLoss);
    expect(losses).toHaveLength(4);
    expect(losses[3]!).toBeLessThan(losses[0]!);
    // 4 epochs: milestones ceil(2) = 2, ceil(3) = 3
    [0.01, 0.01, 0.001, 0.0001].forEach((lr, e) => {
      expect(metrics.history[e]!.lr).toBeCloseTo(lr, 12);
    });
    // 96 images / 32 = 3 steps per epoch
    expect(events.filter((e) => e.type === 'step')).toHaveLength(12);
  });

  it('writes config.json, status.json (completed), metrics.json, the best model and a checkpoint', () => {
    for (const f of [
      'config.json',
      'status.json',
      'metrics.json',
      'model/model.json',
      'model/weights.bin',
      'checkpoint/state.json',
    ]) {
      expect(fs.existsSync(path.join(outDir, f)), f).toBe(true);
    }
    const status = readStatus(outDir);
    expect(status.state).toBe('completed');
    expect(status.epoch).toBe(4);
    expect(status.metrics?.test.auc).toBe(metrics.test.auc);
    const onDisk = JSON.parse(fs.readFileSync(path.join(outDir, 'metrics.json'), 'utf8')) as TrainingMetrics;
    expect(onDisk.test).toEqual(metrics.test);
  });

  it('selects the epoch with the best validation AUC and reports test metrics of that model', async () => {
    const aucs = metrics.history.map((h) => h.val.auc);
    const firstBest = aucs.indexOf(Math.max(...aucs));
    expect(metrics.bestEpoch).toBe(firstBest);
    expect(metrics.val.auc).toBeCloseTo(aucs[firstBest]!, 10);
    // An independent network loaded from model/ gives the same test metrics.
    const fresh = compileNetwork(tinyIR(28, 1, 2), { seed: 99 });
    await fresh.load(path.join(outDir, 'model'));
    const test = evaluateSplit(tfjsEngine, fresh, data.test, ds, 64);
    fresh.dispose();
    expect(test.auc).toBeCloseTo(metrics.test.auc, 10);
    expect(test.acc).toBeCloseTo(metrics.test.acc, 10);
  });

  it('--predictions: one row per test image whose probabilities give the reported ACC', () => {
    const lines = fs.readFileSync(predictions, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('index,label,prob_0,prob_1');
    expect(lines).toHaveLength(1 + 156);
    const rows = lines.slice(1).map((l) => l.split(',').map(Number));
    rows.forEach((r, i) => {
      expect(r[0]).toBe(i);
      expect(r[1]).toBe(data.test.labels[i]);
      expect(r[2]! + r[3]!).toBeCloseTo(1, 5);
    });
    const acc = getACC('binary-class', {
      n: rows.length,
      k: 2,
      scores: rows.flatMap((r) => [r[2]!, r[3]!]),
      labels: rows.map((r) => r[1]!),
    });
    expect(acc).toBeCloseTo(metrics.test.acc, 10);
  });

  it('refuses to overwrite an existing training without --resume', async () => {
    const net = compileNetwork(tinyIR(28, 1, 2), { seed: 3 });
    await expect(
      trainNetwork(net, data, {
        engine: tfjsEngine,
        id: 'x',
        outDir,
        epochs: 1,
        batchSize: 32,
        lr: 0.01,
        seed: 3,
        config: { what: 'tiny' },
      }),
    ).rejects.toThrow(/already holds a training \(use --resume/);
    net.dispose();
  });
});

describe('cancel and resume', () => {
  const ds = syntheticDataset('multi-class', 3);
  const data = {
    dataset: ds,
    train: syntheticSplit(60, 16, 'multi-class', 3, 1),
    val: syntheticSplit(30, 16, 'multi-class', 3, 2),
    test: syntheticSplit(30, 16, 'multi-class', 3, 3),
  };
  const base = { epochs: 3, batchSize: 16, lr: 0.01, seed: 5, config: { what: 'synthetic' } };

  it('a run cancelled mid-epoch resumes at the right epoch and step and ends as an uninterrupted run', async () => {
    const straightNet = compileNetwork(tinyIR(16, 1, 3), { seed: 5 });
    const straight = (await trainNetwork(straightNet, data, {
      engine: tfjsEngine,
      ...base,
      id: 'straight',
      outDir: path.join(tmp, 'straight'),
    }))!;
    straightNet.dispose();

    // Cancel after epoch index 1, step 2 (of 4): the trainer stops before step 3.
    const outDir = path.join(tmp, 'resumed');
    const controller = new AbortController();
    const firstNet = compileNetwork(tinyIR(16, 1, 3), { seed: 5 });
    const first = await trainNetwork(firstNet, data, {
      engine: tfjsEngine,
      ...base,
      id: 'resumed',
      outDir,
      signal: controller.signal,
      onEvent: (e) => {
        if (e.type === 'step' && e.epoch === 1 && e.step === 2) controller.abort();
      },
    });
    firstNet.dispose();
    expect(first).toBeUndefined();
    expect(readStatus(outDir).state).toBe('cancelled');
    const state = JSON.parse(fs.readFileSync(path.join(outDir, 'checkpoint', 'state.json'), 'utf8'));
    expect([state.epoch, state.step, state.history.length]).toEqual([1, 2, 1]);

    // Resume in a fresh network (different init seed: everything must come from the checkpoint).
    const events: TrainingEvent[] = [];
    const secondNet = compileNetwork(tinyIR(16, 1, 3), { seed: 1234 });
    const resumed = (await trainNetwork(secondNet, data, {
      engine: tfjsEngine,
      ...base,
      id: 'resumed',
      outDir,
      resume: true,
      onEvent: (e) => events.push(e),
    }))!;
    secondNet.dispose();
    const start = events.find((e) => e.type === 'start');
    expect(start).toMatchObject({ startEpoch: 1, startStep: 2 });
    // steps left: epoch 1 steps 3-4, epoch 2 steps 1-4
    expect(
      events.filter((e) => e.type === 'step').map((e) => (e.type === 'step' ? `${e.epoch}:${e.step}` : '')),
    ).toEqual(['1:3', '1:4', '2:1', '2:2', '2:3', '2:4']);
    expect(resumed.history.map((h) => h.epoch)).toEqual([0, 1, 2]);
    expect(readStatus(outDir).state).toBe('completed');
    // Same batches, weights, optimizer moments and BN statistics: the same numbers.
    resumed.history.forEach((h, i) => {
      expect(h.trainLoss).toBeCloseTo(straight.history[i]!.trainLoss, 5);
    });
    expect(resumed.test.auc).toBeCloseTo(straight.test.auc, 5);
    expect(resumed.test.acc).toBeCloseTo(straight.test.acc, 10);
  });

  it('an abort from an event-loop callback (as a signal handler) stops after the current step', async () => {
    // Signal handlers and timers run on the event loop; the trainer must yield between steps for them.
    const outDir = path.join(tmp, 'async-cancel');
    const controller = new AbortController();
    const net = compileNetwork(tinyIR(16, 1, 3), { seed: 5 });
    const r = await trainNetwork(net, data, {
      engine: tfjsEngine,
      ...base,
      id: 'async-cancel',
      outDir,
      signal: controller.signal,
      onEvent: (e) => {
        if (e.type === 'step' && e.epoch === 0 && e.step === 1) setImmediate(() => controller.abort());
      },
    });
    net.dispose();
    expect(r).toBeUndefined();
    const state = JSON.parse(fs.readFileSync(path.join(outDir, 'checkpoint', 'state.json'), 'utf8'));
    expect([state.epoch, state.step]).toEqual([0, 1]);
    expect(readStatus(outDir).state).toBe('cancelled');
  });

  it('--resume refuses a different configuration, naming the field', async () => {
    const net = compileNetwork(tinyIR(16, 1, 3), { seed: 5 });
    await expect(
      trainNetwork(net, data, {
        engine: tfjsEngine,
        ...base,
        lr: 0.5,
        config: { what: 'other' },
        id: 'resumed',
        outDir: path.join(tmp, 'resumed'),
        resume: true,
      }),
    ).rejects.toThrow(/--resume: what differs from the training in .* \("synthetic" there, "other" now\)/);
    net.dispose();
  });
});
