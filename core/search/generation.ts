import { MstfError } from '../errors.js';
import type { Evaluated, OptimizerInstance } from '../contracts/optimizer.js';
import type { ObjectiveBuilder, ObjectiveResult, RawScores } from '../contracts/objective.js';
import type { Genotype } from '../contracts/search-space.js';
import { nonDominatedSort } from '../pareto/sort.js';

/**
 * One generation of the search as a pure step (pymoo's shape: the problem evaluates, the algorithm tells and
 * selects; here the objective builder turns raw scores into objectives and the optimizer performs survival):
 *
 *   pool (population + evaluated offspring) -> objectives over the pool -> tell -> survivors
 *
 * No store, no executor, no clock: SearchService.loop asks, has the executor evaluate, stores the candidates,
 * calls generationStep and stores what it returns. The optimizer instance is the in-memory form of the
 * optimizer's state; the step tells it and returns its state() (the checkpoint).
 */

/** One pool row as the step sees it: the genotype, its raw scores, its constraint violation. */
export interface PoolRow {
  x: Genotype;
  /** Raw value per score id (the objective's requiredScores; null: failed or missing, NaN kept as NaN). */
  raw: RawScores;
  /** > 0: infeasible (a degenerate network or failed scores), ranked below every feasible row. */
  violation: number;
}

/** An evaluated offspring row with its index in the generation's ask(). */
export interface Arrival extends PoolRow {
  index: number;
}

export interface ObjectiveSpec {
  builder: ObjectiveBuilder<any>;
  /** The user's indicators (objective.build's second argument; the final pick's sum). */
  indicators: string[];
  options: unknown;
}

export interface StepInput {
  /** The optimizer after this generation's ask(); restored from the last checkpoint when resuming. */
  optimizer: OptimizerInstance;
  /** The population before this generation, in optimizer.population() order (empty in generation 0). */
  parents: readonly PoolRow[];
  /** The asked genotypes' rows, in any (arrival) order; `index` is the place in ask(), 0..n-1 each once. */
  offspring: readonly Arrival[];
  objective: ObjectiveSpec;
  /** A genotype's identity, to find which pool row each member of the told population is (space.format). */
  identify(x: Genotype): string;
}

export interface StepResult {
  /** The merged pool: parents then offspring in ask order. */
  pool: PoolRow[];
  /** Objectives, flags and normalised values over `pool` (row k belongs to pool[k]). */
  objectives: ObjectiveResult;
  /** The rows given to tell() (x, F, violation), row k belongs to pool[k]. */
  told: Evaluated[];
  /** Pool indices of the optimizer's population after tell, in population() order: the next parents. */
  survivors: number[];
  /** Per pool row: non-dominated rank among the survivors (0 = Pareto front), null when it did not survive. */
  rank: (number | null)[];
  /** Best finite raw value per indicator over the survivors (null: none finite). */
  best: Record<string, number | null>;
  /** Survivors on the first front. */
  front: number;
  /** optimizer.state() after the tell: the checkpoint. */
  state: unknown;
}

/** The offspring in ask order; each index 0..n-1 exactly once. */
export function inAskOrder(offspring: readonly Arrival[]): PoolRow[] {
  const rows: (PoolRow | undefined)[] = new Array(offspring.length);
  for (const a of offspring) {
    if (!Number.isInteger(a.index) || a.index < 0 || a.index >= offspring.length || rows[a.index]) {
      throw new MstfError(
        'INTERNAL',
        `generation step: offspring index ${a.index} is out of range or repeated (${offspring.length} rows)`,
      );
    }
    const { index: _i, ...row } = a;
    rows[a.index] = row;
  }
  return rows as PoolRow[];
}

/** Best finite raw value per indicator (higher is better). */
export function bestScores(rows: readonly { raw: RawScores }[], indicators: readonly string[]) {
  const best: Record<string, number | null> = {};
  for (const id of indicators) {
    let b: number | null = null;
    for (const r of rows) {
      const v = r.raw[id];
      if (typeof v === 'number' && Number.isFinite(v) && (b === null || v > b)) b = v;
    }
    best[id] = b;
  }
  return best;
}

/**
 * Which pool row each member of the population is: matched by identity, each row used once, in pool order.
 * Throws when a member is not in the pool (an optimizer must select from the pool it was told).
 */
export function survivorIndices(
  pool: readonly PoolRow[],
  population: readonly Evaluated[],
  identify: (x: Genotype) => string,
): number[] {
  const positions = new Map<string, number[]>();
  pool.forEach((p, k) => {
    const id = identify(p.x);
    const list = positions.get(id);
    if (list) list.push(k);
    else positions.set(id, [k]);
  });
  return population.map((s) => {
    const k = positions.get(identify(s.x))?.shift();
    if (k === undefined) throw new MstfError('INTERNAL', `survivor ${identify(s.x)} is not in the pool`);
    return k;
  });
}

/** The generation step: objectives over the merged pool, tell, survivors and their fronts. */
export function generationStep(input: StepInput): StepResult {
  const { optimizer, objective, identify } = input;
  const pool = [...input.parents, ...inAskOrder(input.offspring)];
  // Objectives are pool-relative (Eq. 5: min-max over parents + offspring): parents keep their raw scores.
  const objectives = objective.builder.build(
    pool.map((p) => p.raw),
    objective.indicators,
    objective.options,
  );
  const told: Evaluated[] = pool.map((p, k) => ({ x: p.x, F: objectives.F[k]!, violation: p.violation }));
  optimizer.tell(told);

  const survivors = survivorIndices(pool, optimizer.population(), identify);
  const rank: (number | null)[] = pool.map(() => null);
  nonDominatedSort(survivors.map((k) => told[k]!)).forEach((front, r) => {
    for (const j of front) rank[survivors[j]!] = r;
  });
  return {
    pool,
    objectives,
    told,
    survivors,
    rank,
    best: bestScores(
      survivors.map((k) => pool[k]!),
      objective.indicators,
    ),
    front: rank.filter((r) => r === 0).length,
    state: optimizer.state(),
  };
}
