/**
 * Training directories as the report sees them: config.json (what was trained, from which search),
 * metrics.json (test metrics and per-epoch history, once finished) or checkpoint/state.json (history of
 * an unfinished one) and status.json (state). Unreadable directories are skipped: a report must not fail
 * because of an unrelated broken training folder.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { EpochRecord } from '../training/checkpoint.js';

export interface TrainingRecord {
  id: string;
  dir: string;
  /** The search whose architecture was trained (config.model.searchId), if any. */
  searchId: string | null;
  /** A fixed reference model (`--model resnet18`). */
  baseline: boolean;
  label: string;
  dataset: string;
  state: string;
  epochs: number | null;
  history: EpochRecord[];
  test: { acc: number; auc: number } | null;
  params: number | null;
  flops: number | null;
}

function readJson(file: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

export function readTraining(dir: string): TrainingRecord | undefined {
  const file = readJson(path.join(dir, 'config.json'));
  // config.json: {id, startedAt, config: {model, dataset, epochs, params, flops, ...}}.
  const config = file?.config as Record<string, unknown> | undefined;
  if (!file || !config || typeof config !== 'object') return undefined;
  const model = (config.model ?? {}) as Record<string, unknown>;
  const metrics = readJson(path.join(dir, 'metrics.json'));
  const state = readJson(path.join(dir, 'checkpoint', 'state.json'));
  const status = readJson(path.join(dir, 'status.json'));
  const history = ((metrics?.history ?? state?.history ?? []) as EpochRecord[]).filter(
    (r) => r && typeof r.epoch === 'number',
  );
  const test = (metrics?.test ?? null) as { acc: number; auc: number } | null;
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  const baseline = model.kind === 'model';
  return {
    id: typeof file.id === 'string' ? file.id : path.basename(dir),
    dir,
    searchId: typeof model.searchId === 'string' ? model.searchId : null,
    baseline,
    label: baseline ? String(model.model) : `${String(model.space ?? 'genotype')} architecture`,
    dataset: String(config.dataset ?? ''),
    state: typeof status?.state === 'string' ? status.state : metrics ? 'completed' : 'unknown',
    epochs: num(config.epochs),
    history,
    test: test && typeof test.acc === 'number' ? { acc: test.acc, auc: test.auc } : null,
    params: num(config.params),
    flops: num(config.flops),
  };
}

/** Every training directory directly under the given folders (missing folders are fine), sorted by id. */
export function findTrainings(roots: string[]): TrainingRecord[] {
  const out: TrainingRecord[] = [];
  for (const root of roots) {
    let names: string[];
    try {
      names = fs.readdirSync(root);
    } catch {
      continue;
    }
    for (const name of names.sort()) {
      const t = readTraining(path.join(root, name));
      if (t) out.push(t);
    }
  }
  return out;
}
