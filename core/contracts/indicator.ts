import type { ExtensionBase } from './extension.js';
import type { Engine, Network } from './engine.js';
import type { Batch } from './dataset.js';
import type { NetworkIR } from '../ir/types.js';

/** What an indicator needs, so callers load data / labels only when required. */
export interface IndicatorNeeds {
  /** Reads images (false: data-free, e.g. synflow, flops, params). */
  data: boolean;
  labels: boolean;
  backward: boolean;
  /** Differentiates a gradient again (grasp's exact H g): about 5x the memory of one backward pass. */
  secondOrder?: boolean;
  /** Suggested batch size (the caller's --batch-size wins). */
  batchSize?: number;
  /** Fewest images the indicator can score (default for data indicators: 2, a statistic over one image is not a batch statistic). */
  minBatch?: number;
}

export interface IndicatorContext {
  /** The candidate's network, compiled on first access with `seed` by `engine`. */
  net: Network;
  /** The engine that built `net`: compute with its tensor API (`engine.tf`) and helpers, never an import. */
  engine: Engine;
  ir: NetworkIR;
  /** Present when needs.data. */
  batch?: Batch;
  seed: number;
}

export interface IndicatorValue {
  /** Higher is better. NaN / +-Infinity are allowed and recorded as non-finite, never thrown. */
  score: number;
  details?: Record<string, unknown>;
}

export interface Indicator<Options = unknown> extends ExtensionBase<Options> {
  readonly kind: 'indicator';
  readonly needs: IndicatorNeeds;
  score(ctx: IndicatorContext, options: Options): IndicatorValue | Promise<IndicatorValue>;
}

/** What the indicator runner records per indicator per candidate. */
export interface IndicatorDetails {
  ms: number;
  finite: boolean;
  error?: string;
  [key: string]: unknown;
}
