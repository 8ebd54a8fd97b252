import { MstfError } from '../errors.js';
import { violationOf, type ParetoPoint } from './dominance.js';
import { nonDominatedSort } from './sort.js';

/**
 * The paper's final pick (IV-B): in the last population, the candidate with the highest sum of its
 * normalised indicator values (p1 + p2). Feasible candidates (violation 0) come before infeasible ones;
 * ties go to the lower index. `normalised[i]` belongs to `pool[i]` (ObjectiveResult.normalised).
 * Returns the index into `pool`.
 */
export function finalPick(
  pool: readonly { violation?: number }[],
  normalised: readonly Readonly<Record<string, number>>[],
  indicators: readonly string[],
): number {
  if (pool.length === 0) throw new MstfError('INVALID_ARGUMENT', 'final pick: the population is empty');
  if (normalised.length !== pool.length) {
    throw new MstfError(
      'INVALID_ARGUMENT',
      `final pick: ${normalised.length} normalised rows for a population of ${pool.length}`,
    );
  }
  if (indicators.length === 0) throw new MstfError('INVALID_ARGUMENT', 'final pick: no indicators given');
  const anyFeasible = pool.some((p) => violationOf(p) === 0);
  let best = -1;
  let bestSum = -Infinity;
  for (let i = 0; i < pool.length; i++) {
    if (anyFeasible && violationOf(pool[i]!) > 0) continue;
    let sum = 0;
    for (const name of indicators) {
      const v = normalised[i]![name];
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new MstfError('INVALID_ARGUMENT', `final pick: row ${i} has no normalised value for "${name}"`);
      }
      sum += v;
    }
    if (sum > bestSum) {
      bestSum = sum;
      best = i;
    }
  }
  return best;
}

/** Indices of the first front (constraint-domination) of `pool`: the Pareto front to keep and show. */
export function paretoFront(pool: readonly ParetoPoint[]): number[] {
  if (pool.length === 0) return [];
  return nonDominatedSort(pool)[0]!;
}
