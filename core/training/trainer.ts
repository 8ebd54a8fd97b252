/**
 * The training loop of the official MedMNIST protocol (experiments/MedMNIST2D/train_and_eval_pytorch.py):
 * Adam, learning rate x0.1 at 50% and 75% of the epochs, cross-entropy (BCE with logits for multi-label),
 * shuffled mini-batches with the last one kept, the model of the epoch with the best validation AUC kept,
 * test metrics from that model (batchnorm in eval mode).
 *
 * Files in `outDir`: config.json (what is trained, how), status.json (every epoch), checkpoint/ (every
 * epoch, and on cancel mid-epoch), model/ (best model, tfjs format), metrics.json (at the end).
 */
import fs from 'node:fs';
import path from 'node:path';
import { MstfError, oneLine } from '../errors.js';
import { Rng } from '../util/rng.js';
import { gatherBatch } from '../data/batch.js';
import type { Engine, Network } from '../contracts/engine.js';
import type { Dataset, SplitData, TaskType } from '../contracts/dataset.js';
import { evaluateScores, probabilities } from './metrics.js';
import { learningRateAt, milestones } from './schedule.js';
import { BestTracker } from './selection.js';
import {
  findCheckpoint,
  loadCheckpoint,
  saveCheckpoint,
  type CheckpointState,
  type EpochRecord,
} from './checkpoint.js';
import { writeJsonAtomic, writeStatus, type TrainingStatus } from './status.js';
import { writePredictions } from './predictions.js';
import { createTrainingOptimizer, type TrainingOptimizer } from './optimizer.js';
import { planMemory, type MemoryPlan } from './memory.js';
import { batchGradients } from './micro-batch.js';

export const CONFIG_FILE = 'config.json';
export const METRICS_FILE = 'metrics.json';
export const MODEL_DIR = 'model';

export interface TrainingData {
  dataset: Pick<Dataset, 'normalise' | 'info'>;
  train: SplitData;
  val: SplitData;
  test: SplitData;
}

export interface TrainerOptions {
  /** The engine `net` was compiled by (its tensor API, Adam and loss train it). */
  engine: Engine;
  id: string;
  outDir: string;
  epochs: number;
  batchSize: number;
  lr: number;
  seed: number;
  /** Continue from the checkpoint in outDir (its config.json must match `config`). */
  resume?: boolean;
  predictionsFile?: string;
  signal?: AbortSignal;
  onEvent?: (e: TrainingEvent) => void;
  /** Recorded in config.json; compared on resume. */
  config: Record<string, unknown>;
  /** Facts about this process (backend, machine) recorded in metrics.json, not compared on resume. */
  run?: Record<string, unknown>;
  /**
   * Micro-batch and evaluation chunk (memory.ts planMemory); default: planned for the current tfjs backend
   * with micro-batch auto. Not compared on resume: it changes only batchnorm statistics.
   */
  memory?: MemoryPlan;
}

export interface SplitMetrics {
  loss: number;
  acc: number;
  auc: number;
  undefinedAuc?: number[];
}

export interface TrainingMetrics {
  id: string;
  task: TaskType;
  test: SplitMetrics;
  val: SplitMetrics;
  bestEpoch: number;
  bestValAuc: number;
  epochs: number;
  history: EpochRecord[];
  /** Training seconds (all processes, resumes included) and the whole run including evaluation. */
  trainSeconds: number;
  wallSeconds: number;
  config: Record<string, unknown>;
  run: Record<string, unknown>;
  /** The micro-batch used and why (memory.ts). */
  memory: MemoryPlan;
}

export type TrainingEvent =
  | {
      type: 'start';
      id: string;
      outDir: string;
      epochs: number;
      startEpoch: number;
      startStep: number;
      stepsPerEpoch: number;
      train: number;
      val: number;
      test: number;
      memory: MemoryPlan;
    }
  | { type: 'step'; epoch: number; step: number; steps: number; loss: number }
  | ({
      type: 'epoch';
      epochs: number;
      best: boolean;
      bestValAuc: number | null;
      bestEpoch: number | null;
      etaSeconds: number;
    } & EpochRecord)
  | { type: 'done'; id: string; state: 'completed'; metrics: TrainingMetrics }
  | { type: 'cancelled'; id: string; epoch: number; step: number };

/** Shuffle order of epoch `epoch`: a function of (seed, epoch) only, so a resumed run sees the same batches. */
export function epochOrder(n: number, seed: number, epoch: number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  return new Rng((Math.imul(seed + 1, 0x9e3779b1) + epoch * 0x85ebca6b) >>> 0).shuffle(order);
}

/** Forward a whole split in eval mode (running BN statistics), in order. */
export function predictSplit(
  engine: Engine,
  net: Network,
  data: SplitData,
  dataset: Pick<Dataset, 'normalise' | 'info'>,
  batchSize: number,
  signal?: AbortSignal,
): { probs: Float32Array; logits: Float32Array; n: number; k: number } {
  const { tf } = engine;
  const n = data.shape[0];
  const k = dataset.info.classes;
  const logits = new Float32Array(n * k);
  for (let s = 0; s < n; s += batchSize) {
    if (signal?.aborted) throw new MstfError('CANCELLED', 'training cancelled');
    const idx = Array.from({ length: Math.min(batchSize, n - s) }, (_, i) => s + i);
    const b = gatherBatch(data, idx, dataset);
    const x = tf.tensor4d(b.x, b.shape);
    const out = net.forward(x, { training: false });
    const values = out.output.dataSync() as Float32Array;
    if (values.length !== idx.length * k) {
      throw new MstfError(
        'INVALID_ARGUMENT',
        `the network outputs ${values.length / idx.length} values per image, the dataset has ${k} classes`,
      );
    }
    logits.set(values, s * k);
    tf.dispose([x, out.output, ...Object.values(out.taps)]);
  }
  return { probs: probabilities(dataset.info.task, logits, n, k), logits, n, k };
}

/** Mean loss of the official criterion over a split, from its probabilities (no autograd needed). */
export function meanLoss(task: TaskType, probs: Float32Array, labels: Int32Array, n: number, k: number): number {
  const tiny = 1e-12;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    if (task === 'multi-label') {
      let row = 0;
      for (let c = 0; c < k; c++) {
        const p = probs[i * k + c]!;
        row -= labels[i * k + c] === 1 ? Math.log(Math.max(p, tiny)) : Math.log(Math.max(1 - p, tiny));
      }
      sum += row / k;
    } else {
      sum -= Math.log(Math.max(probs[i * k + labels[i]!]!, tiny));
    }
  }
  return sum / n;
}

export function evaluateSplit(
  engine: Engine,
  net: Network,
  data: SplitData,
  dataset: Pick<Dataset, 'normalise' | 'info'>,
  batchSize: number,
  signal?: AbortSignal,
): SplitMetrics & { probs: Float32Array } {
  const { probs, n, k } = predictSplit(engine, net, data, dataset, batchSize, signal);
  const task = dataset.info.task;
  const m = evaluateScores(task, { scores: probs, labels: data.labels, n, k });
  const out: SplitMetrics & { probs: Float32Array } = {
    loss: meanLoss(task, probs, data.labels, n, k),
    acc: m.acc,
    auc: m.auc,
    probs,
  };
  if (m.undefinedAuc) out.undefinedAuc = m.undefinedAuc;
  return out;
}

function sameConfig(a: Record<string, unknown>, b: Record<string, unknown>): string | undefined {
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (JSON.stringify(a[key]) !== JSON.stringify(b[key])) return key;
  }
  return undefined;
}

/**
 * Train `net` on `data` with the official protocol. Returns the final metrics, or undefined when the
 * signal aborted it (a checkpoint is written and status.json says `cancelled`). Throws on failure after
 * marking status.json `failed`.
 */
export async function trainNetwork(
  net: Network,
  data: TrainingData,
  opts: TrainerOptions,
): Promise<TrainingMetrics | undefined> {
  const started = Date.now();
  const { outDir, epochs, batchSize, engine } = opts;
  const { tf } = engine;
  const task = data.dataset.info.task;
  const classes = data.dataset.info.classes;
  const nTrain = data.train.shape[0];
  const stepsPerEpoch = Math.ceil(nTrain / batchSize);
  // Before any file is written: refuses a network whose step does not fit the backend for one example.
  const memory = opts.memory ?? planMemory(net.ir, batchSize, tf.getBackend());
  const evalBatch = memory.evalBatch;
  const emit = (e: TrainingEvent) => opts.onEvent?.(e);

  fs.mkdirSync(outDir, { recursive: true });
  const configFile = path.join(outDir, CONFIG_FILE);
  let startedAt = new Date(started).toISOString();
  let state: CheckpointState = {
    version: 1,
    epoch: 0,
    step: 0,
    partialLossSum: 0,
    partialExamples: 0,
    bestValAuc: null,
    bestEpoch: null,
    history: [],
    elapsedSeconds: 0,
  };
  const optimizer: TrainingOptimizer = createTrainingOptimizer(engine, net);
  if (opts.resume) {
    if (!fs.existsSync(configFile))
      throw new MstfError('NOT_FOUND', `--resume: no training in ${outDir} (config.json missing)`);
    const saved = JSON.parse(fs.readFileSync(configFile, 'utf8')) as {
      config: Record<string, unknown>;
      startedAt: string;
    };
    const differs = sameConfig(saved.config, opts.config);
    if (differs) {
      throw new MstfError(
        'INVALID_ARGUMENT',
        `--resume: ${differs} differs from the training in ${outDir} (${JSON.stringify(saved.config[differs])} there, ${JSON.stringify(opts.config[differs])} now)`,
      );
    }
    startedAt = saved.startedAt;
    const dir = findCheckpoint(outDir);
    if (dir) {
      const loaded = await loadCheckpoint(engine, dir, net);
      state = loaded.state;
      optimizer.restore(loaded.optimizer);
    }
  } else {
    if (fs.existsSync(configFile)) {
      throw new MstfError(
        'INVALID_ARGUMENT',
        `${outDir} already holds a training (use --resume to continue it, or another --out)`,
      );
    }
    writeJsonAtomic(configFile, { id: opts.id, startedAt, config: opts.config });
  }

  const best = new BestTracker(state);
  const modelDir = path.join(outDir, MODEL_DIR);
  const status = (s: Partial<TrainingStatus> & Pick<TrainingStatus, 'state'>): void =>
    writeStatus(outDir, {
      id: opts.id,
      epoch: state.epoch,
      epochs,
      bestValAuc: best.bestValAuc,
      bestEpoch: best.bestEpoch,
      etaSeconds: null,
      pid: process.pid,
      outDir,
      startedAt,
      updatedAt: new Date().toISOString(),
      ...s,
    });

  const epochSeconds: number[] = [];
  // Within-epoch progress for status.json readers: mean step time of this process, refreshed every 30 s.
  const STATUS_EVERY_MS = 30_000;
  let lastStatus = Date.now();
  let stepsDone = 0;
  const loopStart = Date.now();
  try {
    status({ state: 'running' });
    emit({
      type: 'start',
      id: opts.id,
      outDir,
      epochs,
      startEpoch: state.epoch,
      startStep: state.step,
      stepsPerEpoch,
      train: nTrain,
      val: data.val.shape[0],
      test: data.test.shape[0],
      memory,
    });

    for (let epoch = state.epoch; epoch < epochs; epoch++) {
      const epochStart = Date.now();
      const lr = learningRateAt(epoch, epochs, opts.lr);
      const order = epochOrder(nTrain, opts.seed, epoch);
      let lossSum = state.step > 0 ? state.partialLossSum : 0;
      let examples = state.step > 0 ? state.partialExamples : 0;
      for (let step = state.step; step < stepsPerEpoch; step++) {
        if (opts.signal?.aborted) {
          state = {
            ...state,
            epoch,
            step,
            partialLossSum: lossSum,
            partialExamples: examples,
            elapsedSeconds: state.elapsedSeconds + (Date.now() - epochStart) / 1000,
          };
          await saveCheckpoint(engine, outDir, net, optimizer.snapshot(), state);
          status({ state: 'cancelled' });
          emit({ type: 'cancelled', id: opts.id, epoch, step });
          return undefined;
        }
        const idx = order.slice(step * batchSize, (step + 1) * batchSize);
        const batch = gatherBatch(data.train, idx, data.dataset);
        const g = batchGradients(engine, net, batch, memory.microBatch);
        try {
          optimizer.apply(g.grads, lr);
        } finally {
          tf.dispose([...g.grads.values()]);
        }
        if (!Number.isFinite(g.value))
          throw new MstfError('INTERNAL', `training diverged: loss ${g.value} at epoch ${epoch + 1}, step ${step + 1}`);
        lossSum += g.value * idx.length;
        examples += idx.length;
        emit({ type: 'step', epoch, step: step + 1, steps: stepsPerEpoch, loss: g.value });
        // The tf ops are synchronous: yield to the event loop so SIGINT/SIGTERM handlers (and timers) run
        // between steps, not only at the end of the epoch.
        await new Promise<void>((resolve) => setImmediate(resolve));
        stepsDone++;
        if (Date.now() - lastStatus > STATUS_EVERY_MS) {
          lastStatus = Date.now();
          const perStep = (lastStatus - loopStart) / 1000 / stepsDone;
          const stepsLeft = (epochs - epoch) * stepsPerEpoch - (step + 1);
          status({ state: 'running', step: step + 1, stepsPerEpoch, etaSeconds: Math.round(perStep * stepsLeft) });
        }
      }
      const trainSeconds = (Date.now() - epochStart) / 1000;
      // Not cancellable: a cancel during validation checkpoints right after it.
      const val = evaluateSplit(engine, net, data.val, data.dataset, evalBatch);
      const improved = best.update(epoch, val.auc);
      if (improved) {
        fs.rmSync(modelDir, { recursive: true, force: true });
        await net.save(modelDir);
      }
      const seconds = (Date.now() - epochStart) / 1000;
      epochSeconds.push(seconds);
      const record: EpochRecord = {
        epoch,
        lr,
        trainLoss: lossSum / examples,
        val: { loss: val.loss, acc: val.acc, auc: val.auc },
        seconds,
      };
      state = {
        ...state,
        epoch: epoch + 1,
        step: 0,
        partialLossSum: 0,
        partialExamples: 0,
        bestValAuc: best.bestValAuc,
        bestEpoch: best.bestEpoch,
        history: [...state.history, record],
        elapsedSeconds: state.elapsedSeconds + trainSeconds,
      };
      await saveCheckpoint(engine, outDir, net, optimizer.snapshot(), state);
      const mean = epochSeconds.reduce((a, b) => a + b, 0) / epochSeconds.length;
      const etaSeconds = Math.round(mean * (epochs - epoch - 1));
      status({ state: 'running', step: 0, stepsPerEpoch, etaSeconds });
      emit({
        type: 'epoch',
        ...record,
        epochs,
        best: improved,
        bestValAuc: best.bestValAuc,
        bestEpoch: best.bestEpoch,
        etaSeconds,
      });
    }

    // Test metrics from the best-validation model (no epoch with a defined AUC: the last weights).
    if (best.bestEpoch === null) {
      fs.rmSync(modelDir, { recursive: true, force: true });
      await net.save(modelDir);
    } else {
      await net.load(modelDir);
    }
    const val = evaluateSplit(engine, net, data.val, data.dataset, evalBatch, opts.signal);
    const test = evaluateSplit(engine, net, data.test, data.dataset, evalBatch, opts.signal);
    if (opts.predictionsFile) {
      writePredictions(opts.predictionsFile, task, data.test.labels, test.probs, data.test.shape[0], classes);
    }
    const strip = ({ probs: _p, ...m }: SplitMetrics & { probs: Float32Array }): SplitMetrics => m;
    const metrics: TrainingMetrics = {
      id: opts.id,
      task,
      test: strip(test),
      val: strip(val),
      bestEpoch: best.bestEpoch ?? epochs - 1,
      bestValAuc: best.bestValAuc ?? val.auc,
      epochs,
      history: state.history,
      trainSeconds: state.elapsedSeconds,
      wallSeconds: (Date.now() - started) / 1000,
      config: { ...opts.config, milestones: milestones(epochs) },
      run: opts.run ?? {},
      memory,
    };
    writeJsonAtomic(path.join(outDir, METRICS_FILE), metrics);
    status({
      state: 'completed',
      etaSeconds: 0,
      metrics: {
        test: { acc: test.acc, auc: test.auc },
        val: { acc: val.acc, auc: val.auc },
        bestEpoch: metrics.bestEpoch,
      },
    });
    emit({ type: 'done', id: opts.id, state: 'completed', metrics });
    return metrics;
  } catch (e) {
    if (e instanceof MstfError && e.code === 'CANCELLED') {
      status({ state: 'cancelled' });
      emit({ type: 'cancelled', id: opts.id, epoch: state.epoch, step: state.step });
      return undefined;
    }
    status({ state: 'failed', error: oneLine(e) });
    throw e;
  } finally {
    optimizer.dispose();
  }
}
