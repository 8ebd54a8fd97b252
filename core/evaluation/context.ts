import { MstfError, oneLine } from '../errors.js';
import type { Batch } from '../contracts/dataset.js';
import type { Engine } from '../contracts/engine.js';
import type { Indicator } from '../contracts/indicator.js';
import type { SpaceInstance } from '../contracts/search-space.js';
import type { Kernel } from '../kernel/loader.js';
import { loadSplit, sampleBatch } from '../data/batch.js';
import { networkCost } from '../ir/cost.js';
import { scoreArchitecture } from '../indicators/runner.js';
import { engineOf } from '../engine/select.js';
import { initSeed } from '../search/seeds.js';
import { Rng } from '../util/rng.js';
import type { BatchSource, CandidateEvaluation, EvaluationSpec } from './spec.js';

/** What scoring candidates of one spec needs, built once per process or thread. */
export interface EvaluationContext {
  space: SpaceInstance;
  scoreIds: string[];
  indicators: Record<string, Indicator>;
  optionsById: Record<string, unknown>;
  batch?: Batch;
  seed: number;
  /** The engine the spec names (boot.engine; default tfjs), from the kernel's registry. */
  engine: Engine;
}

type EvalKernel = Pick<Kernel, 'registry' | 'optionsOf' | 'settings'>;

/** The indicator batch a spec names: given as arrays, or drawn again from the dataset with the same seed. */
export async function batchOf(
  kernel: EvalKernel,
  source: BatchSource | null,
  dataDir: string,
): Promise<Batch | undefined> {
  if (!source) return undefined;
  if (source.source === 'arrays') return source.batch;
  const k: EvalKernel = { ...kernel, settings: { ...kernel.settings, dataDir } };
  const { dataset, data } = await loadSplit(k, source.dataset, source.split, { size: source.size });
  return sampleBatch(data, source.count, new Rng(source.seed), dataset);
}

/** Rebuild the space, indicators and batch of a spec with a booted kernel (the same plugins as the coordinator's). */
export async function contextFromSpec(
  kernel: EvalKernel,
  spec: EvaluationSpec,
  dataDir: string,
): Promise<EvaluationContext> {
  const engine = engineOf(kernel, spec.boot.engine);
  const space = kernel
    .registry('searchSpace')
    .get(spec.space.id)
    .create({ inputShape: spec.inputShape, classes: spec.classes }, spec.space.options);
  const indicators: Record<string, Indicator> = {};
  const optionsById: Record<string, unknown> = {};
  for (const { id, options } of spec.scores) {
    indicators[id] = kernel.registry('indicator').get(id);
    optionsById[id] = options;
  }
  const batch = await batchOf(kernel, spec.batch, dataDir);
  return {
    space,
    scoreIds: spec.scores.map((s) => s.id),
    indicators,
    optionsById,
    ...(batch ? { batch } : {}),
    seed: spec.seed,
    engine,
  };
}

/**
 * Decode and score one genotype with every score of the spec, on its fixed batch, with a network
 * initialised from (search seed, network hash). Never throws for a bad candidate: an indicator that throws
 * makes the candidate `failed` (score null, its error kept), a NaN / infinite score is kept and flagged;
 * the search goes on either way. A genotype text the space cannot parse is a caller's error (throws).
 */
export async function evaluateGenotype(
  ctx: EvaluationContext,
  text: string,
  onProgress?: (event: { indicator: string; index: number; total: number }) => void,
): Promise<CandidateEvaluation> {
  const t0 = performance.now();
  const { space } = ctx;
  const x = space.parse(text);
  const genotype = space.format(x);
  if (genotype !== text)
    throw new MstfError('INTERNAL', `genotype ${text} is not canonical (the space writes it ${genotype})`);
  const hash = space.hash(x);
  const degenerate = space.isDegenerate(x);
  const flags: string[] = degenerate ? ['degenerate'] : [];
  try {
    const ir = space.decode(x);
    const cost = networkCost(ir);
    const { scores, details } = await scoreArchitecture({
      ir,
      indicators: ctx.scoreIds.map((id) => ctx.indicators[id]!),
      optionsById: ctx.optionsById,
      ...(ctx.batch ? { batch: ctx.batch } : {}),
      seed: initSeed(ctx.seed, hash),
      engine: ctx.engine,
      ...(onProgress ? { onProgress } : {}),
    });
    const errors: string[] = [];
    for (const id of ctx.scoreIds) {
      const v = scores[id];
      const err = details[id]?.error;
      if (v === null || v === undefined) {
        flags.push(`failed:${id}`);
        errors.push(`${id}: ${err ?? 'no score'}`);
      } else if (!Number.isFinite(v)) {
        flags.push(`non-finite:${id}`);
      }
    }
    return {
      genotype,
      hash,
      degenerate,
      state: errors.length > 0 ? 'failed' : 'ok',
      scores,
      flops: cost.flops,
      params: cost.params,
      flags,
      details: details as Record<string, unknown>,
      error: errors.length > 0 ? errors.join('; ') : null,
      ms: performance.now() - t0,
    };
  } catch (e) {
    // Decoding or compiling failed: nothing was scored.
    return {
      genotype,
      hash,
      degenerate,
      state: 'failed',
      scores: Object.fromEntries(ctx.scoreIds.map((id) => [id, null])),
      flops: null,
      params: null,
      flags: [...flags, ...ctx.scoreIds.map((id) => `failed:${id}`)],
      details: {},
      error: oneLine(e),
      ms: performance.now() - t0,
    };
  }
}
