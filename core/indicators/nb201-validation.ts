/**
 * `mstf validate proxies`: rank correlation of indicators with the NAS-Bench-201 test accuracies
 * (../shared/data/nb201/nats_tss_accuracies.csv: CIFAR-10, CIFAR-100, ImageNet16-120 after 200 epochs).
 *
 * What can and cannot be checked here: data-free indicators (synflow, flops, params) score the benchmark's
 * own CIFAR networks (32x32x3, 10 classes) and are comparable with published correlations. CIFAR images
 * are not available, so indicators that read data can only run on a MedMNIST batch (`--dataset`): the NB201
 * skeleton is then built for that dataset's image shape and classes, which is a cross-domain sanity check,
 * NOT a reproduction of the published CIFAR numbers (the output names the dataset used).
 */
import fs from 'node:fs';
import path from 'node:path';
import { MstfError } from '../errors.js';
import { Rng } from '../util/rng.js';
import { finitePairs, kendallTauB, spearman } from '../util/stats.js';
import { engineOf } from '../engine/select.js';
import { packageRoot } from '../data/locations.js';
import { resolveArchitecture } from '../arch/describe.js';
import type { Batch } from '../contracts/dataset.js';
import type { Kernel } from '../kernel/loader.js';
import { scoreArchitecture } from './runner.js';
import { selectIndicators } from './select.js';
import { DEFAULT_BATCH_SIZE, datasetBatch, requireDatasetFor } from './score-genotype.js';

export const NB201_TABLE_FILE = 'nats_tss_accuracies.csv';
export const NB201_TARGETS = ['cifar10', 'cifar100', 'imagenet16'] as const;
export type Nb201Target = (typeof NB201_TARGETS)[number];

export interface Nb201Row {
  index: number;
  arch: string;
  acc: Record<Nb201Target, number>;
  paramsM: number;
}

/** Parse the benchmark table (header: index,arch,cifar10_test_acc,cifar100_test_acc,imagenet16_test_acc,params_M). */
export function readNb201Table(file: string): Nb201Row[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new MstfError(
      'NOT_FOUND',
      `NAS-Bench-201 table ${file}: cannot read (${(e as Error).message.split('\n')[0]})`,
    );
  }
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = lines[0]?.split(',') ?? [];
  const col = (name: string): number => {
    const i = header.indexOf(name);
    if (i < 0) throw new MstfError('DATA_CORRUPT', `NAS-Bench-201 table ${file}: no column "${name}"`);
    return i;
  };
  const ci = {
    index: col('index'),
    arch: col('arch'),
    c10: col('cifar10_test_acc'),
    c100: col('cifar100_test_acc'),
    im: col('imagenet16_test_acc'),
    p: col('params_M'),
  };
  return lines.slice(1).map((line, k) => {
    const f = line.split(',');
    const num = (i: number): number => {
      const v = Number(f[i]);
      if (!Number.isFinite(v))
        throw new MstfError('DATA_CORRUPT', `NAS-Bench-201 table ${file}: line ${k + 2}: "${f[i]}" is not a number`);
      return v;
    };
    return {
      index: num(ci.index),
      arch: f[ci.arch]!,
      acc: { cifar10: num(ci.c10), cifar100: num(ci.c100), imagenet16: num(ci.im) },
      paramsM: num(ci.p),
    };
  });
}

/** Default table location: ../shared/data/nb201 next to the repository, or under the working directory. */
export function findNb201Table(cwd: string): string {
  const candidates = [
    path.join(packageRoot(), '..', 'shared', 'data', 'nb201', NB201_TABLE_FILE),
    path.join(cwd, '..', 'shared', 'data', 'nb201', NB201_TABLE_FILE),
    path.join(cwd, 'shared', 'data', 'nb201', NB201_TABLE_FILE),
  ];
  const found = candidates.find((p) => fs.existsSync(p));
  if (!found) {
    throw new MstfError(
      'NOT_FOUND',
      `NAS-Bench-201 table ${NB201_TABLE_FILE} not found (looked in ${candidates.join(', ')}): pass --table <csv>`,
    );
  }
  return found;
}

/** n distinct rows, a seeded uniform sample (the first n of a seeded shuffle). */
export function sampleRows<T>(rows: readonly T[], n: number, seed: number): T[] {
  if (!Number.isInteger(n) || n < 2)
    throw new MstfError('INVALID_ARGUMENT', `--sample must be an integer >= 2, got ${n}`);
  const idx = rows.map((_, i) => i);
  new Rng(seed).shuffle(idx);
  return idx.slice(0, Math.min(n, rows.length)).map((i) => rows[i]!);
}

export interface Correlation {
  spearman: number;
  kendall: number;
}

export interface IndicatorCorrelations extends Record<Nb201Target, Correlation> {
  /** Candidates used (score not NaN and not failed). */
  n: number;
  /** Candidates whose score was +-Infinity (kept: they rank) or NaN (dropped). */
  nonFinite: number;
  failed: number;
  meanMs: number;
}

export interface ValidateProxiesRequest {
  sample: number;
  indicators: string;
  dataset?: string;
  batchSize?: number;
  seed?: number;
  /** Path of the benchmark CSV (default: findNb201Table). */
  table?: string;
}

export interface ValidateProxiesResult {
  space: 'nb201';
  table: string;
  sample: number;
  seed: number;
  /** Dataset whose batch the data indicators read (null: none; never CIFAR, which is not available). */
  dataset: string | null;
  inputShape: [number, number, number];
  classes: number;
  correlations: Record<string, IndicatorCorrelations>;
  /** Per sampled candidate: benchmark index and raw scores. */
  rows: { index: number; arch: string; scores: Record<string, number | null> }[];
}

type ValidateKernel = Pick<Kernel, 'registry' | 'optionsOf' | 'settings'>;

export async function validateProxiesNb201(
  kernel: ValidateKernel,
  req: ValidateProxiesRequest,
  onProgress?: (e: { done: number; total: number; index: number }) => void,
): Promise<ValidateProxiesResult> {
  const seed = req.seed ?? 0;
  const selected = selectIndicators(kernel, req.indicators);
  requireDatasetFor(selected, req.dataset);
  const table = req.table ? path.resolve(kernel.settings.cwd, req.table) : findNb201Table(kernel.settings.cwd);
  const rows = sampleRows(readNb201Table(table), req.sample, seed);
  let batch: Batch | undefined;
  let shape: { inputShape?: [number, number, number]; classes?: number } = {};
  if (req.dataset) {
    const d = await datasetBatch(kernel, req.dataset, req.batchSize ?? DEFAULT_BATCH_SIZE, seed);
    batch = d.batch;
    shape = { inputShape: d.inputShape, classes: d.classes };
  }
  const engine = engineOf(kernel);
  await engine.ready(kernel.settings.backend);

  const ids = selected.indicators.map((i) => i.id);
  const scored: ValidateProxiesResult['rows'] = [];
  const ms: Record<string, number> = Object.fromEntries(ids.map((id) => [id, 0]));
  const failed: Record<string, number> = Object.fromEntries(ids.map((id) => [id, 0]));
  let context = { inputShape: [0, 0, 0] as [number, number, number], classes: 0 };
  for (const [k, row] of rows.entries()) {
    const { instance, genes, inputShape, classes } = resolveArchitecture(kernel, {
      space: 'nb201',
      genotype: row.arch,
      ...shape,
    });
    context = { inputShape, classes };
    const { scores, details } = await scoreArchitecture({
      ir: instance.decode(genes),
      indicators: selected.indicators,
      optionsById: selected.optionsById,
      ...(batch ? { batch } : {}),
      seed,
      engine,
    });
    for (const id of ids) {
      ms[id]! += details[id]!.ms;
      if (details[id]!.error) failed[id]!++;
    }
    scored.push({ index: row.index, arch: row.arch, scores });
    onProgress?.({ done: k + 1, total: rows.length, index: row.index });
  }

  const correlations: Record<string, IndicatorCorrelations> = {};
  for (const id of ids) {
    const xs = scored.map((r) => r.scores[id] ?? null);
    const perTarget = Object.fromEntries(
      NB201_TARGETS.map((t) => {
        const p = finitePairs(
          xs,
          rows.map((r) => r.acc[t]),
        );
        return [t, { spearman: spearman(p.x, p.y), kendall: kendallTauB(p.x, p.y) }];
      }),
    ) as Record<Nb201Target, Correlation>;
    const used = finitePairs(
      xs,
      rows.map((r) => r.acc.cifar10),
    );
    correlations[id] = {
      ...perTarget,
      n: used.x.length,
      nonFinite: xs.filter((v) => v !== null && !Number.isFinite(v)).length,
      failed: failed[id]!,
      meanMs: ms[id]! / rows.length,
    };
  }
  return {
    space: 'nb201',
    table,
    sample: rows.length,
    seed,
    dataset: req.dataset ?? null,
    inputShape: context.inputShape,
    classes: context.classes,
    correlations,
    rows: scored,
  };
}
