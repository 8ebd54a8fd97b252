/**
 * Evaluation as data. An EvaluationSpec says everything a process needs to score candidates of one search
 * the way the search does (plugins to load, space and options, scores and options, input shape, classes,
 * the seed, the indicator batch); an EvaluationRequest adds one genotype. Both cross thread and machine
 * boundaries as they are: structured clone (worker threads) or JSON (BullMQ jobs, via toWire / fromWire).
 */
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import type { Batch } from '../contracts/dataset.js';
import type { FeatureShape } from '../ir/types.js';
import type { CandidateState } from '../store/types.js';
import type { MstfConfig } from '../kernel/loader.js';
import { packageRoot } from '../data/locations.js';

/** The indicator batch: the arrays themselves (same machine), or how to draw it again (other machines). */
export type BatchSource =
  | { source: 'arrays'; batch: Batch }
  | {
      source: 'dataset';
      dataset: string;
      split: 'train';
      size: number;
      count: number;
      /** Seed of the draw (batchSeed of the search seed). */
      seed: number;
      /** The coordinator's data directory; a worker where it does not exist uses its own --data-dir. */
      dataDir: string;
    };

export interface EvaluationSpec {
  /** mstf version of the coordinator: a worker of another version refuses the work. */
  mstfVersion: string;
  /** Plugins the coordinator booted (name and version); a worker must have exactly this set. */
  plugins: { name: string; version: string }[];
  /** How to boot the same kernel: working directory, mstf.config.json contents, --plugin values, --engine. */
  boot: {
    cwd: string;
    config: MstfConfig;
    extraPlugins: string[];
    backend?: string;
    dataDir?: string;
    /** The `engine` extension id (absent: the default, tfjs). */
    engine?: string;
  };
  space: { id: string; options: Record<string, unknown> };
  inputShape: FeatureShape;
  classes: number;
  /** Raw scores to compute, in order, with each indicator's validated options. */
  scores: { id: string; options: unknown }[];
  /** The search seed: each network is initialised from initSeed(seed, its hash). */
  seed: number;
  batch: BatchSource | null;
}

/** One candidate to evaluate: its place in the generation (results are stored by it) and its genotype text. */
export interface EvaluationRequest {
  index: number;
  genotype: string;
}

/** One candidate's evaluation, as stored. */
export interface CandidateEvaluation {
  genotype: string;
  hash: string;
  degenerate: boolean;
  state: CandidateState;
  /** Raw value per required score id: a number (possibly non-finite) or null when it failed. */
  scores: Record<string, number | null>;
  flops: number | null;
  params: number | null;
  /** degenerate, non-finite:<id>, failed:<id>. */
  flags: string[];
  details: Record<string, unknown>;
  error: string | null;
  ms: number;
}

let version: string | undefined;
/** This installation's mstf version (package.json). */
export function mstfVersion(): string {
  version ??= (JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version: string })
    .version;
  return version;
}

/** A stable key of a spec (the batch arrays summarised by a digest), to cache what a worker builds from it. */
export function specKey(spec: EvaluationSpec): string {
  const h = createHash('sha256');
  const { batch, ...rest } = spec;
  h.update(JSON.stringify(rest));
  if (batch?.source === 'arrays') {
    const b = batch.batch;
    h.update(JSON.stringify({ shape: b.shape, labelWidth: b.labelWidth, task: b.task, classes: b.classes }));
    h.update(new Uint8Array(b.x.buffer, b.x.byteOffset, b.x.byteLength));
    h.update(new Uint8Array(b.labels.buffer, b.labels.byteOffset, b.labels.byteLength));
  } else {
    h.update(JSON.stringify(batch));
  }
  return h.digest('hex').slice(0, 32);
}

/** "name@version, ..." sorted: the plugin set as one comparable line. */
export function pluginSetLine(plugins: readonly { name: string; version: string }[]): string {
  return plugins
    .map((p) => `${p.name}@${p.version}`)
    .sort()
    .join(', ');
}

type WireNumber = number | null | 'NaN' | 'Infinity' | '-Infinity';
const toWireNumber = (v: number | null): WireNumber =>
  v === null || Number.isFinite(v) ? v : (String(v) as WireNumber);
const fromWireNumber = (v: WireNumber): number | null => (typeof v === 'string' ? Number(v) : v);

/** A row as JSON can carry it: NaN and infinite scores (kept and flagged by the search) would become null. */
export function toWire(row: CandidateEvaluation): unknown {
  return {
    ...row,
    scores: Object.fromEntries(Object.entries(row.scores).map(([k, v]) => [k, toWireNumber(v)])),
    flops: toWireNumber(row.flops),
    params: toWireNumber(row.params),
  };
}

export function fromWire(wire: unknown): CandidateEvaluation {
  const w = wire as CandidateEvaluation & { scores: Record<string, WireNumber>; flops: WireNumber; params: WireNumber };
  return {
    ...w,
    scores: Object.fromEntries(Object.entries(w.scores).map(([k, v]) => [k, fromWireNumber(v)])),
    flops: fromWireNumber(w.flops),
    params: fromWireNumber(w.params),
  };
}
