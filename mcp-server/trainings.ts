/**
 * Trainings as the MCP tools see them: the output directories under `.mstf/trainings` (and custom `out`
 * directories of trainings this server started), read from the files a training writes: config.json (what
 * is trained, params, FLOPs), status.json (state, rewritten every epoch), checkpoint/state.json (history so
 * far) and metrics.json (final metrics, history, times).
 */
import fs from 'node:fs';
import path from 'node:path';
import { MstfError } from '../core/errors.js';
import { pidAlive } from '../core/search/service.js';
import { findCheckpoint, type EpochRecord } from '../core/training/checkpoint.js';
import { defaultTrainingsRoot } from '../core/training/ids.js';
import { readStatus, STATUS_FILE, type TrainingStatus } from '../core/training/status.js';
import { CONFIG_FILE, METRICS_FILE, type TrainingMetrics } from '../core/training/trainer.js';
import type { McpContext } from './context.js';
import { lastLogLine } from './detached.js';

export type TrainingState = 'starting' | 'running' | 'completed' | 'failed' | 'cancelled';

/** Output directories of trainings started here with a custom `out`, by id (per server process). */
const customDirs = new WeakMap<McpContext, Map<string, string>>();

export function rememberTrainingDir(ctx: McpContext, id: string, outDir: string): void {
  let m = customDirs.get(ctx);
  if (!m) {
    m = new Map();
    customDirs.set(ctx, m);
  }
  m.set(id, outDir);
}

export function trainingDirOf(ctx: McpContext, id: string): string {
  return customDirs.get(ctx)?.get(id) ?? path.join(defaultTrainingsRoot(ctx.settings.cwd), id);
}

export function trainingLogOf(ctx: McpContext, id: string): string {
  return ctx.processes.get(`training:${id}`)?.logFile ?? path.join(ctx.stateDir, 'logs', `training-${id}.log`);
}

/** Every training id this server can see, newest first. */
export function listTrainingIds(ctx: McpContext): string[] {
  const root = defaultTrainingsRoot(ctx.settings.cwd);
  const ids = new Set<string>();
  if (fs.existsSync(root)) {
    for (const d of fs.readdirSync(root, { withFileTypes: true })) if (d.isDirectory()) ids.add(d.name);
  }
  for (const id of customDirs.get(ctx)?.keys() ?? []) ids.add(id);
  for (const key of ctx.processes.keys()) if (key.startsWith('training:')) ids.add(key.slice('training:'.length));
  const started = (id: string) => {
    try {
      return fs.statSync(trainingDirOf(ctx, id)).mtimeMs;
    } catch {
      return Date.now();
    }
  };
  return [...ids].sort((a, b) => started(b) - started(a) || b.localeCompare(a));
}

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

export interface TrainedWhat {
  /** `model resnet18` or `searched <hash prefix>`: a short name for tables. */
  name: string;
  model: Record<string, unknown> | null;
  dataset: string | null;
  inputShape: number[] | null;
  params: number | null;
  flops: number | null;
}

export interface TrainingReport extends TrainedWhat {
  trainingId: string;
  state: TrainingState;
  epoch: number | null;
  epochs: number | null;
  bestValAuc: number | null;
  bestEpoch: number | null;
  etaSeconds: number | null;
  pollAfterSeconds: number | null;
  trainSeconds: number | null;
  wallSeconds: number | null;
  test: { acc: number | null; auc: number | null } | null;
  val: { acc: number | null; auc: number | null } | null;
  history: {
    epoch: number;
    trainLoss: number | null;
    valLoss: number | null;
    valAcc: number | null;
    valAuc: number | null;
    seconds: number | null;
  }[];
  pid: number | null;
  alive: boolean;
  outDir: string;
  error: string | null;
  logFile: string | null;
}

function what(config: Record<string, unknown> | undefined): TrainedWhat {
  const c = (config ?? {}) as {
    model?: Record<string, unknown>;
    dataset?: string;
    inputShape?: number[];
    params?: number;
    flops?: number;
  };
  const m = c.model ?? null;
  let name = 'unknown';
  if (m?.kind === 'model') name = String(m.model);
  else if (m?.kind === 'genotype') {
    const opts = (m.options ?? {}) as Record<string, unknown>;
    name = `${String(m.space)}${opts.channels !== undefined ? ` C0=${String(opts.channels)}` : ''}${m.searchId ? ` (search ${String(m.searchId)})` : ''}`;
  }
  return {
    name,
    model: m,
    dataset: c.dataset ?? null,
    inputShape: c.inputShape ?? null,
    params: c.params ?? null,
    flops: c.flops ?? null,
  };
}

const round = (v: number | null | undefined, digits = 4) =>
  typeof v === 'number' && Number.isFinite(v) ? Number(v.toFixed(digits)) : null;

/** Everything known about one training, from its files (and the process this server started for it). */
export function trainingReport(ctx: McpContext, id: string): TrainingReport {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(id)) {
    throw new MstfError(
      'INVALID_ARGUMENT',
      'trainingId must be letters, digits, ".", "_" and "-" only (an id start_training or list_trainings returned)',
    );
  }
  const outDir = trainingDirOf(ctx, id);
  const child = ctx.processes.get(`training:${id}`);
  const logFile = trainingLogOf(ctx, id);
  const base = { trainingId: id, outDir, logFile: fs.existsSync(logFile) ? logFile : null };
  const cfg = readJson<{ config?: Record<string, unknown> }>(path.join(outDir, CONFIG_FILE));
  const trained = what(cfg?.config);
  const empty = {
    epoch: null,
    epochs: null,
    bestValAuc: null,
    bestEpoch: null,
    etaSeconds: null,
    trainSeconds: null,
    wallSeconds: null,
    test: null,
    val: null,
    history: [],
  };
  if (!fs.existsSync(path.join(outDir, STATUS_FILE))) {
    if (!child)
      throw new MstfError('NOT_FOUND', `no training "${id}" in ${path.dirname(outDir)} (list_trainings lists them)`);
    const code = child.exitCode();
    const failed = code !== null;
    return {
      ...base,
      ...trained,
      ...empty,
      state: failed ? 'failed' : 'starting',
      pollAfterSeconds: failed ? null : 5,
      pid: child.pid,
      alive: !failed,
      error: failed ? `the training process exited with code ${code}: ${lastLogLine(logFile) || 'no output'}` : null,
    };
  }
  const s: TrainingStatus = readStatus(outDir);
  const metrics = readJson<TrainingMetrics>(path.join(outDir, METRICS_FILE));
  const ckpt = findCheckpoint(outDir);
  const history: EpochRecord[] =
    metrics?.history ??
    (ckpt ? (readJson<{ history?: EpochRecord[] }>(path.join(ckpt, 'state.json'))?.history ?? []) : []);
  let state: TrainingState = s.state;
  let error = s.error ?? null;
  const alive = s.state === 'running' && pidAlive(s.pid);
  if (s.state === 'running' && !alive) {
    // The process is gone without writing an end state (killed): say so instead of "running" forever.
    state = 'failed';
    error = `the training process ${s.pid} is gone without finishing (last log line: ${lastLogLine(logFile) || 'none'})`;
  }
  const metricsOf = (m: { acc: number; auc: number } | undefined) =>
    m ? { acc: round(m.acc), auc: round(m.auc) } : null;
  return {
    ...base,
    ...trained,
    state,
    epoch: s.epoch,
    epochs: s.epochs,
    bestValAuc: round(s.bestValAuc),
    bestEpoch: s.bestEpoch,
    etaSeconds: s.etaSeconds,
    pollAfterSeconds: state === 'running' ? Math.min(30, Math.max(2, Math.round((s.etaSeconds ?? 20) / 10))) : null,
    trainSeconds: round(metrics?.trainSeconds, 1),
    wallSeconds: round(metrics?.wallSeconds, 1),
    test: metricsOf(metrics?.test ?? s.metrics?.test),
    val: metricsOf(metrics?.val ?? s.metrics?.val),
    history: history.map((h) => ({
      epoch: h.epoch,
      trainLoss: round(h.trainLoss),
      valLoss: round(h.val.loss),
      valAcc: round(h.val.acc),
      valAuc: round(h.val.auc),
      seconds: round(h.seconds, 1),
    })),
    pid: s.pid,
    alive,
    error,
  };
}

/** Every training of this workspace that reads (a directory that holds no training is left out). */
export function listTrainingReports(ctx: McpContext): TrainingReport[] {
  return listTrainingIds(ctx).flatMap((id) => {
    try {
      return [trainingReport(ctx, id)];
    } catch {
      return []; // a directory that holds no training
    }
  });
}

/** One training in a list: the rows of list_trainings and of the mstf://trainings resource. */
export function trainingRow(r: TrainingReport) {
  return {
    trainingId: r.trainingId,
    name: r.name,
    dataset: r.dataset,
    state: r.state,
    epoch: r.epoch,
    epochs: r.epochs,
    test: r.test,
  };
}
