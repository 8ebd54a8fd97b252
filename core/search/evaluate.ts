import { oneLine } from '../errors.js';
import type { Batch } from '../contracts/dataset.js';
import type { Genotype } from '../contracts/search-space.js';
import { networkCost } from '../ir/cost.js';
import { scoreArchitecture } from '../indicators/runner.js';
import type { CandidateState } from '../store/types.js';
import type { SearchSetup } from './setup.js';
import { initSeed } from './seeds.js';

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

/**
 * Decode and score one genotype with every score the objective needs, on the search's fixed batch,
 * with a network initialised from (search seed, network hash). Never throws for a bad candidate: an
 * indicator that throws makes the candidate `failed` (score null, its error kept), a NaN / infinite
 * score is kept and flagged; the search goes on either way.
 */
export async function evaluateCandidate(
  setup: SearchSetup,
  batch: Batch | undefined,
  x: Genotype,
): Promise<CandidateEvaluation> {
  const t0 = performance.now();
  const { space } = setup;
  const genotype = space.format(x);
  const hash = space.hash(x);
  const degenerate = space.isDegenerate(x);
  const flags: string[] = degenerate ? ['degenerate'] : [];
  try {
    const ir = space.decode(x);
    const cost = networkCost(ir);
    const { scores, details } = await scoreArchitecture({
      ir,
      indicators: setup.scoreIds.map((id) => setup.indicators[id]!),
      optionsById: setup.indicatorOptions,
      ...(batch ? { batch } : {}),
      seed: initSeed(setup.config.seed, hash),
    });
    const errors: string[] = [];
    for (const id of setup.scoreIds) {
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
      scores: Object.fromEntries(setup.scoreIds.map((id) => [id, null])),
      flops: null,
      params: null,
      flags: [...flags, ...setup.scoreIds.map((id) => `failed:${id}`)],
      details: {},
      error: oneLine(e),
      ms: performance.now() - t0,
    };
  }
}
