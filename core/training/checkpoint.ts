/**
 * Training checkpoints: `<out>/checkpoint/` holds the network (Network.save: model.json + weights.bin), the
 * optimizer state (optimizer.json + optimizer.bin, tfjs weight encoding) and state.json (epoch, step in the
 * epoch, best so far, history). A checkpoint is written to `checkpoint.next/` and swapped in, so a crash
 * while writing leaves the previous one readable.
 */
import fs from 'node:fs';
import path from 'node:path';
import { MstfError } from '../errors.js';
import type { Engine, Network, TensorApi, tf } from '../contracts/engine.js';
import { writeJsonAtomic } from './status.js';

export const CHECKPOINT_DIR = 'checkpoint';
const NEXT_DIR = 'checkpoint.next';
const OLD_DIR = 'checkpoint.old';

export interface EpochRecord {
  epoch: number;
  lr: number;
  trainLoss: number;
  val: { loss: number; acc: number; auc: number };
  seconds: number;
}

export interface CheckpointState {
  version: 1;
  /** The epoch in progress (0-based); equals the completed epochs when `step` is 0. */
  epoch: number;
  /** Batches of `epoch` already trained (non-zero only for a checkpoint written on cancel). */
  step: number;
  /** Sum of example-weighted batch losses and example count of the partial epoch. */
  partialLossSum: number;
  partialExamples: number;
  bestValAuc: number | null;
  bestEpoch: number | null;
  history: EpochRecord[];
  /** Training seconds spent before this checkpoint (all processes). */
  elapsedSeconds: number;
}

/** Optimizer state split into JSON (step counts, hyper-parameters) and named tensors (moments). */
export interface OptimizerSnapshot {
  json: unknown;
  tensors: Map<string, tf.Tensor>;
}

async function writeTensors(tf: TensorApi, dir: string, base: string, tensors: Map<string, tf.Tensor>): Promise<void> {
  const named = [...tensors].map(([name, tensor]) => ({ name, tensor }));
  const { data, specs } = await tf.io.encodeWeights(named);
  fs.writeFileSync(path.join(dir, `${base}.bin`), new Uint8Array(data));
  fs.writeFileSync(path.join(dir, `${base}.specs.json`), JSON.stringify(specs));
}

function readTensors(tf: TensorApi, dir: string, base: string): Map<string, tf.Tensor> {
  const specs = JSON.parse(
    fs.readFileSync(path.join(dir, `${base}.specs.json`), 'utf8'),
  ) as tf.io.WeightsManifestEntry[];
  const buf = fs.readFileSync(path.join(dir, `${base}.bin`));
  const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
  return new Map(Object.entries(tf.io.decodeWeights(ab, specs)));
}

export async function saveCheckpoint(
  engine: Engine,
  outDir: string,
  net: Network,
  optimizer: OptimizerSnapshot,
  state: CheckpointState,
): Promise<void> {
  const next = path.join(outDir, NEXT_DIR);
  fs.rmSync(next, { recursive: true, force: true });
  fs.mkdirSync(next, { recursive: true });
  await net.save(path.join(next, 'network'));
  await writeTensors(engine.tf, next, 'optimizer', optimizer.tensors);
  writeJsonAtomic(path.join(next, 'optimizer.json'), optimizer.json ?? null);
  writeJsonAtomic(path.join(next, 'state.json'), state);
  const current = path.join(outDir, CHECKPOINT_DIR);
  const old = path.join(outDir, OLD_DIR);
  fs.rmSync(old, { recursive: true, force: true });
  if (fs.existsSync(current)) fs.renameSync(current, old);
  fs.renameSync(next, current);
  fs.rmSync(old, { recursive: true, force: true });
}

/** The directory of the newest complete checkpoint, or undefined. */
export function findCheckpoint(outDir: string): string | undefined {
  // After a crash between the two renames the previous checkpoint sits in checkpoint.old.
  for (const d of [CHECKPOINT_DIR, OLD_DIR]) {
    const dir = path.join(outDir, d);
    if (fs.existsSync(path.join(dir, 'state.json'))) return dir;
  }
  return undefined;
}

/** Load weights into `net` and return the state and optimizer snapshot (tensors belong to the caller). */
export async function loadCheckpoint(
  engine: Engine,
  dir: string,
  net: Network,
): Promise<{ state: CheckpointState; optimizer: OptimizerSnapshot }> {
  let state: CheckpointState;
  try {
    state = JSON.parse(fs.readFileSync(path.join(dir, 'state.json'), 'utf8')) as CheckpointState;
  } catch (e) {
    throw new MstfError('DATA_CORRUPT', `checkpoint ${dir}: unreadable state.json (${(e as Error).message})`);
  }
  if (state.version !== 1)
    throw new MstfError('DATA_CORRUPT', `checkpoint ${dir}: unknown version ${String(state.version)}`);
  await net.load(path.join(dir, 'network'));
  let optimizer: OptimizerSnapshot;
  try {
    optimizer = {
      json: JSON.parse(fs.readFileSync(path.join(dir, 'optimizer.json'), 'utf8')),
      tensors: readTensors(engine.tf, dir, 'optimizer'),
    };
  } catch (e) {
    throw new MstfError('DATA_CORRUPT', `checkpoint ${dir}: unreadable optimizer state (${(e as Error).message})`);
  }
  return { state, optimizer };
}
