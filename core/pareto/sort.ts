import { constrainedDominance, type ParetoPoint } from './dominance.js';

/**
 * Deb's fast non-dominated sort (O(M N^2)) under constraint-domination. Returns the fronts as lists of
 * indices into `points`, best front first; inside a front indices keep their input order.
 */
export function nonDominatedSort(points: readonly ParetoPoint[]): number[][] {
  const n = points.length;
  const dominatedBy: number[][] = Array.from({ length: n }, () => []); // S_p: the points p dominates
  const dominationCount = new Array<number>(n).fill(0); // n_p: how many points dominate p
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const rel = constrainedDominance(points[i]!, points[j]!);
      if (rel === 1) {
        dominatedBy[i]!.push(j);
        dominationCount[j]!++;
      } else if (rel === -1) {
        dominatedBy[j]!.push(i);
        dominationCount[i]!++;
      }
    }
  }
  const fronts: number[][] = [];
  let current = [];
  for (let i = 0; i < n; i++) if (dominationCount[i] === 0) current.push(i);
  while (current.length > 0) {
    fronts.push(current);
    const next: number[] = [];
    for (const p of current) {
      for (const q of dominatedBy[p]!) {
        if (--dominationCount[q]! === 0) next.push(q);
      }
    }
    next.sort((a, b) => a - b);
    current = next;
  }
  return fronts;
}

/** Rank of every point (0 = first front) from the fronts of nonDominatedSort. */
export function ranksFromFronts(fronts: readonly (readonly number[])[], n: number): number[] {
  const rank = new Array<number>(n).fill(-1);
  fronts.forEach((front, r) => {
    for (const i of front) rank[i] = r;
  });
  return rank;
}

/** Convenience for plain objective vectors (all feasible). */
export function nonDominatedSortF(F: readonly (readonly number[])[]): number[][] {
  return nonDominatedSort(F.map((f) => ({ F: f })));
}
