/**
 * One training end to end, for the CLI (`mstf train`) and the MCP server: resolve what to train, load the
 * dataset splits, compile the network on the chosen backend, run the official protocol (trainer.ts).
 */
import 'reflect-metadata';
import fs from 'node:fs';
import { inject, injectable } from 'tsyringe';
import os from 'node:os';
import path from 'node:path';
import { MstfError } from '../errors.js';
import { Rng } from '../util/rng.js';
import { readyEngine } from '../engine/select.js';
import { networkCost } from '../ir/cost.js';
import { loadSplit } from '../data/batch.js';
import type { Kernel } from '../kernel/loader.js';
import { KernelStore, KernelToken } from '../kernel/services.js';
import type { Split, SplitData } from '../contracts/dataset.js';
import type { FeatureShape } from '../ir/types.js';
import { readSearchPick, resolveModel, type ModelSpec, type SearchPick } from './model-source.js';
import { defaultTrainingsRoot, newTrainingId } from './ids.js';
import { planMemory, type MicroBatchRequest } from './memory.js';
import { recordTraining } from '../store/trainings.js';
import { trainNetwork, CONFIG_FILE, type TrainingEvent, type TrainingMetrics } from './trainer.js';

export interface TrainingRequest {
  model: ModelSpec;
  /** Dataset id; with a `run` model it defaults to the search's dataset. */
  dataset?: string;
  epochs: number;
  batchSize: number;
  lr: number;
  seed: number;
  /** Image size (default: the search's size for `run`, else the dataset's smallest). */
  size?: number;
  /** Output directory (default `.mstf/trainings/<id>` in the working directory). */
  outDir?: string;
  predictionsFile?: string;
  resume?: boolean;
  /** Train on a seeded random subset of this many training images (quick checks; not the protocol). */
  maxTrain?: number;
  /** Validate and test on the first N images of each split (quick checks; metrics not comparable). */
  maxEval?: number;
  /** Examples per forward/backward pass, gradients accumulated up to batchSize (default auto: memory.ts). */
  microBatch?: MicroBatchRequest;
}

export interface TrainingHandle {
  id: string;
  outDir: string;
}

const positive = (what: string, v: number | undefined, allowUndefined = true): void => {
  if (v === undefined && allowUndefined) return;
  if (!Number.isInteger(v) || (v as number) < 1)
    throw new MstfError('INVALID_ARGUMENT', `${what} must be a positive integer, got ${String(v)}`);
};

export function checkRequest(r: TrainingRequest): void {
  positive('epochs', r.epochs, false);
  positive('batch size', r.batchSize, false);
  positive('size', r.size);
  positive('max-train', r.maxTrain);
  positive('max-eval', r.maxEval);
  if (r.microBatch !== undefined && r.microBatch !== 'auto') positive('micro-batch', r.microBatch);
  if (!(r.lr > 0) || !Number.isFinite(r.lr))
    throw new MstfError('INVALID_ARGUMENT', `learning rate must be a positive number, got ${r.lr}`);
  if (!Number.isInteger(r.seed) || r.seed < 0)
    throw new MstfError('INVALID_ARGUMENT', `seed must be a non-negative integer, got ${r.seed}`);
  if (r.resume && !r.outDir)
    throw new MstfError('INVALID_ARGUMENT', '--resume needs --out <dir> of the training to continue');
}

/** Keep `n` examples: a seeded random subset (train) or the first n (evaluation splits). */
export function subset(data: SplitData, n: number | undefined, rng?: Rng): SplitData {
  const total = data.shape[0];
  if (n === undefined || n >= total) return data;
  const idx = Array.from({ length: total }, (_, i) => i);
  const chosen = (rng ? rng.shuffle(idx) : idx).slice(0, n);
  const [, h, w, c] = data.shape;
  const per = h * w * c;
  const images = new Uint8Array(n * per);
  const labels = new Int32Array(n * data.labelWidth);
  chosen.forEach((i, k) => {
    images.set(data.images.subarray(i * per, (i + 1) * per), k * per);
    labels.set(data.labels.subarray(i * data.labelWidth, (i + 1) * data.labelWidth), k * data.labelWidth);
  });
  return { images, shape: [n, h, w, c], labels, labelWidth: data.labelWidth };
}

/** Where the training goes: the given --out, or a new id under .mstf/trainings. */
export function trainingLocation(kernel: Pick<Kernel, 'settings'>, r: TrainingRequest): TrainingHandle {
  if (r.outDir) {
    const outDir = path.resolve(kernel.settings.cwd, r.outDir);
    if (r.resume) {
      const cfg = path.join(outDir, CONFIG_FILE);
      if (!fs.existsSync(cfg))
        throw new MstfError('NOT_FOUND', `--resume: no training in ${outDir} (config.json missing)`);
      return { id: (JSON.parse(fs.readFileSync(cfg, 'utf8')) as { id: string }).id, outDir };
    }
    return { id: path.basename(outDir), outDir };
  }
  const root = defaultTrainingsRoot(kernel.settings.cwd);
  const id = newTrainingId(root);
  return { id, outDir: path.join(root, id) };
}

/** Run one training to the end (or until `signal` aborts). */
export async function runTraining(
  kernel: Kernel,
  r: TrainingRequest,
  hooks: {
    signal?: AbortSignal;
    onEvent?: (e: TrainingEvent) => void;
    onReady?: (h: TrainingHandle & { backend: string }) => void;
  } = {},
): Promise<TrainingMetrics | undefined> {
  checkRequest(r);
  let pick: SearchPick | undefined;
  if (r.model.kind === 'run') pick = readSearchPick(kernel, r.model.searchId, r.model.member);
  const datasetId = r.dataset ?? pick?.dataset;
  if (!datasetId) throw new MstfError('INVALID_ARGUMENT', 'give --dataset <id> (mstf datasets list)');
  const size = r.size ?? pick?.size;
  const dataset = kernel.registry('dataset').get(datasetId);

  // Everything that can fail on bad input fails before any file is written.
  const load = async (split: Split) => (await loadSplit(kernel, datasetId, split, { size })).data;
  const [trainAll, valAll, testAll] = [await load('train'), await load('val'), await load('test')];
  const [, h, w, c] = trainAll.shape;
  const inputShape: FeatureShape = [h, w, c];
  const model = resolveModel(kernel, r.model, { inputShape, classes: dataset.info.classes }, pick);
  const { engine, backend } = await readyEngine(kernel);
  const memory = planMemory(model.ir, r.batchSize, backend.name, r.microBatch ?? 'auto');
  const handle = trainingLocation(kernel, r);

  const train = subset(trainAll, r.maxTrain, new Rng(r.seed));
  const val = subset(valAll, r.maxEval);
  const test = subset(testAll, r.maxEval);
  const cost = networkCost(model.ir);
  const config: Record<string, unknown> = {
    model: model.description,
    dataset: datasetId,
    task: dataset.info.task,
    classes: dataset.info.classes,
    inputShape,
    epochs: r.epochs,
    batchSize: r.batchSize,
    lr: r.lr,
    seed: r.seed,
    optimizer: 'adam',
    criterion: dataset.info.task === 'multi-label' ? 'bce-with-logits' : 'cross-entropy',
    maxTrain: r.maxTrain ?? null,
    maxEval: r.maxEval ?? null,
    trainSize: train.shape[0],
    valSize: val.shape[0],
    testSize: test.shape[0],
    params: cost.params,
    flops: cost.flops,
  };
  const record = recordTraining(kernel.resolve(KernelStore).get(), {
    id: handle.id,
    outDir: handle.outDir,
    searchId: pick?.searchId ?? null,
    memberHash: pick?.hash ?? null,
    dataset: datasetId,
    model: model.description,
    config,
  });
  hooks.onReady?.({ ...handle, backend: backend.name });
  const net = engine.compile(model.ir, { seed: r.seed });
  try {
    const opts: Parameters<typeof trainNetwork>[2] = {
      engine,
      id: handle.id,
      outDir: handle.outDir,
      epochs: r.epochs,
      batchSize: r.batchSize,
      lr: r.lr,
      seed: r.seed,
      config,
      run: {
        backend: backend.name,
        node: process.version,
        cpus: os.cpus().length,
        cpuModel: os.cpus()[0]?.model ?? 'unknown',
      },
      memory,
    };
    if (r.resume) opts.resume = true;
    if (r.predictionsFile) opts.predictionsFile = path.resolve(kernel.settings.cwd, r.predictionsFile);
    if (hooks.signal) opts.signal = hooks.signal;
    if (hooks.onEvent) opts.onEvent = hooks.onEvent;
    const metrics = await record.outcome(trainNetwork(net, { dataset, train, val, test }, opts));
    return metrics;
  } finally {
    net.dispose();
  }
}

/**
 * Trainings of one kernel (`kernel.resolve(TrainingService)`): the CLI's `mstf train` runs them here, over
 * the kernel's registries, options and run store, as the MCP server's detached `mstf train` processes do.
 */
@injectable()
export class TrainingService {
  constructor(@inject(KernelToken) private readonly kernel: Kernel) {}

  run(r: TrainingRequest, hooks: Parameters<typeof runTraining>[2] = {}): Promise<TrainingMetrics | undefined> {
    return runTraining(this.kernel, r, hooks);
  }
}
