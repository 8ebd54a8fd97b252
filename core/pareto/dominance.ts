/**
 * Pareto dominance for minimisation, and Deb's constraint-domination: a feasible candidate (violation 0)
 * dominates every infeasible one; of two infeasible ones the smaller violation dominates; two feasible
 * ones compare by Pareto dominance.
 */

/** A point in objective space with an optional constraint violation (> 0: infeasible). */
export interface ParetoPoint {
  F: readonly number[];
  violation?: number;
}

/** 1: a dominates b, -1: b dominates a, 0: neither (all objectives minimised). */
export function dominance(a: readonly number[], b: readonly number[]): -1 | 0 | 1 {
  let aBetter = false;
  let bBetter = false;
  for (let m = 0; m < a.length; m++) {
    if (a[m]! < b[m]!) aBetter = true;
    else if (b[m]! < a[m]!) bBetter = true;
    if (aBetter && bBetter) return 0;
  }
  if (aBetter) return 1;
  if (bBetter) return -1;
  return 0;
}

/** True when a Pareto-dominates b. */
export function dominates(a: readonly number[], b: readonly number[]): boolean {
  return dominance(a, b) === 1;
}

/** Violation as a non-negative number (undefined and <= 0 are feasible). */
export function violationOf(p: { violation?: number }): number {
  const v = p.violation ?? 0;
  return v > 0 ? v : 0;
}

/** Constraint-domination relation: 1 a dominates b, -1 b dominates a, 0 neither. */
export function constrainedDominance(a: ParetoPoint, b: ParetoPoint): -1 | 0 | 1 {
  const va = violationOf(a);
  const vb = violationOf(b);
  if (va === 0 && vb === 0) return dominance(a.F, b.F);
  if (va < vb) return 1;
  if (vb < va) return -1;
  return 0; // equally infeasible: neither dominates
}
