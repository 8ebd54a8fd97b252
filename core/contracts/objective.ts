import type { ExtensionBase } from './extension.js';

/** Raw indicator values of one candidate (null: failed or missing). `flops` / `params` included. */
export type RawScores = Record<string, number | null>;

export interface ObjectiveResult {
  /** One row per pool member, all objectives minimised. */
  F: number[][];
  /** Per row: indicators whose value was non-finite and replaced by the pool's worst. */
  flagged: string[][];
  /** Per row, per indicator: min-max normalised value in [0, 1] (higher = better for capability). */
  normalised: Record<string, number>[];
}

/**
 * Builds the objective matrix from a pool of raw score rows. Normalisation is pool-relative (Eq. 5:
 * min-max over the merged parent+offspring pool), so the search service rebuilds F for the whole
 * pool every generation.
 */
export interface ObjectiveBuilder<Options = unknown> extends ExtensionBase<Options> {
  readonly kind: 'objective';
  /** Number of objectives produced for `indicators` (the user's --indicators list). */
  nObjectives(indicators: string[]): number;
  /** Every raw value needed (the user's indicators, plus e.g. 'flops'). */
  requiredScores(indicators: string[]): string[];
  build(pool: RawScores[], indicators: string[], options: Options): ObjectiveResult;
}
