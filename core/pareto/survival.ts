import type { ParetoPoint } from './dominance.js';
import { crowdingDistance } from './crowding.js';
import { nonDominatedSort } from './sort.js';

/** A survivor: its index in the pool, its front (0 = best) and its crowding distance in that front. */
export interface RankedSurvivor {
  index: number;
  rank: number;
  crowding: number;
}

/**
 * NSGA-II elitist survival over a merged pool: whole fronts (constraint-domination) while they fit, then
 * the last front's members by decreasing crowding distance (ties: lower pool index first, so survival is
 * deterministic). Crowding is computed over each whole front before truncation, as in NSGA-II.
 * Survivors come back best front first.
 */
export function rankAndCrowdingSurvival(pool: readonly ParetoPoint[], size: number): RankedSurvivor[] {
  const fronts = nonDominatedSort(pool);
  const survivors: RankedSurvivor[] = [];
  for (let rank = 0; rank < fronts.length && survivors.length < size; rank++) {
    const front = fronts[rank]!;
    const cd = crowdingDistance(front.map((i) => pool[i]!.F));
    const members = front.map((index, k) => ({ index, rank, crowding: cd[k]! }));
    if (survivors.length + members.length > size) {
      members.sort((a, b) => cmpDesc(a.crowding, b.crowding) || a.index - b.index);
    }
    survivors.push(...members.slice(0, size - survivors.length));
  }
  return survivors;
}

/** Descending order that handles Infinity (Infinity - Infinity is NaN). */
function cmpDesc(a: number, b: number): number {
  if (a === b) return 0;
  return a > b ? -1 : 1;
}
