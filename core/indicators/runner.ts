/**
 * Score one candidate architecture with a list of indicators. Used by the search service, the CLI
 * (`mstf proxies score`, `mstf validate proxies`) and the MCP server.
 *
 * - The network is compiled ONCE per candidate with the seed and shared by all its indicators, as the
 *   zero-cost-nas reference does (it deep-copies one initialised network per measure). No indicator changes
 *   the parameters (synflow and grasp pass overrides; batch statistics are never written back). The network
 *   is compiled lazily: data- and network-free indicators (flops, params) never compile it.
 * - An indicator that throws is recorded (score null, details.error) and the others still run; a NaN or
 *   infinite score is kept and flagged (details.finite = false, details.value = 'NaN' | 'Infinity' |
 *   '-Infinity', since JSON has no such numbers).
 * - The network is built, and every tensor made, by the request's engine (the kernel's, core/engine/select.ts):
 *   indicators get it in their context.
 * - tf.memory().numTensors is compared before and after each indicator; a difference is recorded as
 *   details.leakedTensors (indicators must release every tensor they create).
 */
import { MstfError, oneLine } from '../errors.js';
import { estimateBytes } from '../memory/estimate.js';
import type { Batch } from '../contracts/dataset.js';
import type { Engine, Network, TensorApi, tf } from '../contracts/engine.js';
import type { Indicator, IndicatorContext, IndicatorDetails } from '../contracts/indicator.js';
import type { NetworkIR } from '../ir/types.js';

export interface ScoreRequest {
  ir: NetworkIR;
  indicators: readonly Indicator<any>[];
  /** Validated options per indicator id (defaults of its schema when absent). */
  optionsById?: Record<string, unknown>;
  /** Needed by indicators with needs.data; ignored by the others. */
  batch?: Batch;
  /** Seed of the network's initialisation (and the indicators' own randomness, if any). */
  seed: number;
  /** Called before each indicator runs. */
  onProgress?: (event: { indicator: string; index: number; total: number }) => void;
  /** The engine that builds the network and computes (engineOf(kernel); its backend ready). */
  engine: Engine;
}

export interface ScoreResult {
  /** Raw score per indicator id: a number (possibly non-finite) or null when the indicator failed. */
  scores: Record<string, number | null>;
  details: Record<string, IndicatorDetails>;
}

/** 'NaN' | 'Infinity' | '-Infinity' for non-finite numbers (JSON would print null). */
export function nonFiniteLabel(v: number): string | undefined {
  return Number.isFinite(v) ? undefined : String(v);
}

/*
 * A backend with bounded memory (the engine's memoryLimit: tfjs' wasm, a 4 GiB heap that an allocation past it
 * aborts for the rest of the process) gets a backward pass refused up front (a recorded indicator error, not a
 * dead process) when its estimate (core/memory/estimate.ts: 'backward', or 'secondOrder' for grasp's double
 * backward) passes the engine's limit.
 */
function checkBackpropMemory(engine: Engine, id: string, ir: NetworkIR, batch: Batch, secondOrder: boolean): void {
  const limit = engine.memoryLimit(engine.tf.getBackend());
  if (!limit) return;
  const n = batch.shape[0];
  const bytes = estimateBytes(ir, secondOrder ? 'secondOrder' : 'backward', n);
  if (bytes <= limit.bytes) return;
  const perExample = bytes / n;
  const maxBatch = Math.max(1, Math.floor(limit.bytes / perExample));
  throw new MstfError(
    'INVALID_ARGUMENT',
    `indicator ${id}: backpropagating a batch of ${n} through this network needs about ${(bytes / 2 ** 30).toFixed(1)} GiB, ` +
      `over what the ${limit.backend} backend's ${limit.heapGiB} GiB heap allows; use --batch-size ${maxBatch} or less, or the ${limit.alternative} backend`,
  );
}

/** Tensors the engine's innermost scope tracks (tfjs keeps the list on its internal state). */
function scopeTracked(tf: TensorApi): tf.Tensor[] {
  const state = (tf.engine() as unknown as { state: { activeScope: { track: tf.Tensor[] } | null } }).state;
  return state.activeScope?.track ?? [];
}

/** Fewest images a data indicator scores (needs.minBatch, else 2). */
export function minBatchOf(indicator: Indicator<any>): number {
  return indicator.needs.data ? (indicator.needs.minBatch ?? 2) : 0;
}

/**
 * Refuse, before any work, a batch smaller than an indicator needs (a split with one image, --batch-size 1): the
 * scores would be computed and meaningless (jacob_cov of one image is the log of the network's ReLU count).
 */
export function checkBatchFits(indicators: readonly Indicator<any>[], batch: Batch | undefined): void {
  if (!batch) return;
  const n = batch.shape[0];
  const short = indicators.filter((i) => n < minBatchOf(i));
  if (short.length === 0) return;
  const need = Math.max(...short.map(minBatchOf));
  throw new MstfError(
    'INVALID_ARGUMENT',
    `the batch has ${n} image${n === 1 ? '' : 's'}; ${short.map((i) => i.id).join(', ')} need${short.length === 1 ? 's' : ''} at least ${need} (raise --batch-size, or check the split's size)`,
  );
}

export async function scoreArchitecture(req: ScoreRequest): Promise<ScoreResult> {
  const { engine } = req;
  const { tf } = engine;
  let net: Network | undefined;
  let compiledTensors = 0;
  let compiledDuring: string | undefined;
  let current = '';
  const scores: Record<string, number | null> = {};
  const details: Record<string, IndicatorDetails> = {};
  try {
    for (const [index, indicator] of req.indicators.entries()) {
      const id = indicator.id;
      current = id;
      req.onProgress?.({ indicator: id, index, total: req.indicators.length });
      const ctx: IndicatorContext = {
        ir: req.ir,
        seed: req.seed,
        engine,
        get net(): Network {
          if (!net) {
            const before = tf.memory().numTensors;
            const tracked = scopeTracked(tf).length;
            net = engine.compile(req.ir, { seed: req.seed });
            // The network outlives this indicator's scope: what compiling created is not cleaned up with it.
            for (const t of scopeTracked(tf).slice(tracked)) tf.keep(t);
            compiledTensors = tf.memory().numTensors - before;
            compiledDuring = current;
          }
          return net;
        },
        ...(indicator.needs.data && req.batch ? { batch: req.batch } : {}),
      };
      const before = tf.memory().numTensors;
      const t0 = performance.now();
      let row: IndicatorDetails;
      // A scope per indicator: when it throws, the tensors it made before throwing are disposed with the scope.
      tf.engine().startScope();
      let failed = false;
      try {
        if (indicator.needs.data && !req.batch) {
          throw new Error(`indicator ${id} reads data but no batch was given`);
        }
        if (req.batch) checkBatchFits([indicator], req.batch);
        if (indicator.needs.backward && indicator.needs.data && req.batch) {
          checkBackpropMemory(engine, id, req.ir, req.batch, indicator.needs.secondOrder ?? false);
        }
        const value = await indicator.score(ctx, req.optionsById?.[id]);
        if (typeof value?.score !== 'number') throw new Error(`indicator ${id} returned no numeric score`);
        const label = nonFiniteLabel(value.score);
        scores[id] = value.score;
        row = { ms: 0, finite: label === undefined, ...(label ? { value: label } : {}), ...(value.details ?? {}) };
      } catch (e) {
        failed = true;
        scores[id] = null;
        row = { ms: 0, finite: false, error: oneLine(e) };
      } finally {
        // Success: whatever it left stays tracked by the caller's scope (and counted as leaked below).
        tf.engine().endScope(failed ? undefined : [...scopeTracked(tf)]);
      }
      row.ms = performance.now() - t0;
      const leaked = tf.memory().numTensors - before - (compiledDuring === id ? compiledTensors : 0);
      if (leaked !== 0) row.leakedTensors = leaked;
      details[id] = row;
    }
  } finally {
    (net as Network | undefined)?.dispose();
  }
  return { scores, details };
}
