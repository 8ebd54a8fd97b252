import type { BudgetDeclaration, ExtensionBase } from './extension.js';
import type { GeneBound, Genotype } from './search-space.js';
import type { Rng } from '../util/rng.js';

/** What an optimizer knows about the problem: integer/real variables, and space-provided helpers. */
export interface Problem {
  bounds: readonly GeneBound[];
  /** 'int' (default) or 'real' per variable. */
  types?: readonly ('int' | 'real')[];
  nObjectives: number;
  sample(rng: Rng): Genotype;
  /** Identity for duplicate elimination (a search space's network hash). Default: the vector itself. */
  key?(x: Genotype): string;
  /** Fix or resample an infeasible vector (e.g. a degenerate network); default: unchanged. */
  repair?(x: Genotype, rng: Rng): Genotype;
}

/** A candidate with its objectives; constraint violation > 0 ranks below every feasible candidate. */
export interface Evaluated {
  x: Genotype;
  F: number[];
  violation?: number;
}

/**
 * Ask/tell optimizer (as in pymoo / Optuna): it never evaluates anything itself.
 * - ask(): the genotypes to evaluate next (the initial population first, then offspring).
 * - tell(pool): the current population plus the asked genotypes, each with objectives computed over
 *   this same pool; the optimizer performs survival.
 * - state()/restore(): JSON, so a search resumes exactly (RNG state included).
 */
export interface OptimizerInstance {
  ask(): Genotype[];
  tell(pool: Evaluated[]): void;
  /** The surviving population (after the last tell). */
  population(): Evaluated[];
  generation(): number;
  state(): unknown;
  restore(state: unknown): void;
}

export interface Optimizer<Options = unknown> extends ExtensionBase<Options> {
  readonly kind: 'optimizer';
  /**
   * Options a search's budget knobs set (`mstf search --channels/--blocks/--population/--offspring` and
   * the presets): knob -> option key. Knobs not declared are not applied (an explicit one is an error).
   */
  readonly budget?: BudgetDeclaration;
  create(problem: Problem, options: Options, seed: number): OptimizerInstance;
}
