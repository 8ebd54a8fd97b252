/**
 * `status.json` in a training's output directory, rewritten (atomically) after every epoch and when the
 * training ends. The MCP server's start_training / get_training_status read it; nothing else is needed to
 * follow a training from another process.
 */
import fs from 'node:fs';
import path from 'node:path';
import { MstfError } from '../errors.js';
import { removeStaleTemps, writeFileAtomic } from '../util/temp.js';

export const STATUS_FILE = 'status.json';

export type TrainingState = 'running' | 'completed' | 'failed' | 'cancelled';

export interface TrainingStatus {
  id: string;
  state: TrainingState;
  /** Epochs completed. */
  epoch: number;
  epochs: number;
  /** Batches done in the epoch in progress, of stepsPerEpoch (refreshed at most every 30 s). */
  step?: number;
  stepsPerEpoch?: number;
  /** Best validation AUC so far (null before the first epoch ends or while it is undefined). */
  bestValAuc: number | null;
  bestEpoch: number | null;
  /** Seconds left at the mean epoch time of this process (null before the first epoch ends). */
  etaSeconds: number | null;
  pid: number;
  outDir: string;
  startedAt: string;
  updatedAt: string;
  /** Final test metrics (completed) . */
  metrics?: { test: { acc: number; auc: number }; val: { acc: number; auc: number }; bestEpoch: number };
  error?: string;
}

/** Write JSON through a temporary file and a rename, so a reader never sees half a file. */
export function writeJsonAtomic(file: string, value: unknown): void {
  removeStaleTemps(file, '.'); // `<file>.<pid>...tmp` of a killed process
  writeFileAtomic(file, `${JSON.stringify(value, null, 2)}\n`);
}

export function writeStatus(outDir: string, status: TrainingStatus): void {
  writeJsonAtomic(path.join(outDir, STATUS_FILE), status);
}

/** The status of the training in `outDir`; NOT_FOUND when there is none. */
export function readStatus(outDir: string): TrainingStatus {
  const file = path.join(outDir, STATUS_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new MstfError('NOT_FOUND', `no training status at ${file}`);
  }
  try {
    return JSON.parse(text) as TrainingStatus;
  } catch (e) {
    throw new MstfError('DATA_CORRUPT', `${file}: not valid JSON (${(e as Error).message})`);
  }
}
