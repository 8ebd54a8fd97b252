import type { GeneBound, Genotype, Rng } from '../../core/index.js';

/**
 * Variation operators of NSGA-II. Integer variables: two-point crossover and integer mutation (a gene
 * resampled uniformly among the OTHER values of its range). Real variables: simulated binary crossover
 * (SBX) and polynomial mutation, written after Deb & Agrawal (1995) / Deb & Goyal (1996) as pymoo 0.6
 * implements them. Every operator draws only from the seeded Rng.
 */

export type VarType = 'int' | 'real';

/** Two cut points 0 < a < b <= n: genes [a, b) are exchanged (one cut at 1 when n = 2). */
export function twoPointCuts(n: number, rng: Rng): [number, number] | null {
  if (n < 2) return null;
  if (n === 2) return [1, 2];
  const a = rng.int(1, n - 1);
  let b = rng.int(1, n - 2);
  if (b >= a) b++; // distinct from a, uniform over the other n - 2 cut positions
  return a < b ? [a, b] : [b, a];
}

/**
 * Two-point crossover on the integer genes and SBX on the real ones. Returns two children; the parents are
 * not modified.
 */
export function crossover(
  p1: Genotype,
  p2: Genotype,
  types: readonly VarType[],
  bounds: readonly GeneBound[],
  etaC: number,
  rng: Rng,
): [Genotype, Genotype] {
  const c1 = [...p1];
  const c2 = [...p2];
  const hasInt = types.includes('int');
  const hasReal = types.includes('real');
  if (hasInt) {
    const cuts = twoPointCuts(p1.length, rng);
    if (cuts) {
      for (let i = cuts[0]; i < cuts[1]; i++) {
        if (types[i] !== 'int') continue;
        c1[i] = p2[i]!;
        c2[i] = p1[i]!;
      }
    }
  }
  if (hasReal) sbx(c1, c2, p1, p2, types, bounds, etaC, rng);
  return [c1, c2];
}

const SBX_EPS = 1e-14;

/**
 * SBX (pymoo's cross_sbx): each real variable crosses with probability 0.5 unless the parents are (almost)
 * equal or its bounds coincide; the children's values are swapped with probability 0.5; results are
 * clipped to the bounds.
 */
function sbx(
  c1: Genotype,
  c2: Genotype,
  p1: Genotype,
  p2: Genotype,
  types: readonly VarType[],
  bounds: readonly GeneBound[],
  eta: number,
  rng: Rng,
): void {
  for (let i = 0; i < p1.length; i++) {
    if (types[i] !== 'real') continue;
    if (rng.next() >= 0.5) continue;
    const { low: xl, high: xu } = bounds[i]!;
    if (Math.abs(p1[i]! - p2[i]!) <= SBX_EPS || xl === xu) continue;
    const y1 = Math.min(p1[i]!, p2[i]!);
    const y2 = Math.max(p1[i]!, p2[i]!);
    const delta = y2 - y1;
    const rand = rng.next();
    const betaq = (beta: number): number => {
      const alpha = 2 - Math.pow(beta, -(eta + 1));
      return rand <= 1 / alpha
        ? Math.pow(rand * alpha, 1 / (eta + 1))
        : Math.pow(1 / (2 - rand * alpha), 1 / (eta + 1));
    };
    let v1 = 0.5 * (y1 + y2 - betaq(1 + (2 * (y1 - xl)) / delta) * delta);
    let v2 = 0.5 * (y1 + y2 + betaq(1 + (2 * (xu - y2)) / delta) * delta);
    if (rng.next() < 0.5) [v1, v2] = [v2, v1];
    c1[i] = clip(v1, xl, xu);
    c2[i] = clip(v2, xl, xu);
  }
}

/**
 * Mutation in place: each gene mutates with probability `prob`. Integer genes take a uniformly drawn
 * different value of their range; real genes get polynomial mutation (pymoo's mut_pm).
 */
export function mutate(
  x: Genotype,
  types: readonly VarType[],
  bounds: readonly GeneBound[],
  prob: number,
  etaM: number,
  rng: Rng,
): void {
  for (let i = 0; i < x.length; i++) {
    if (rng.next() >= prob) continue;
    const { low, high } = bounds[i]!;
    if (types[i] === 'int') x[i] = integerMutation(x[i]!, low, high, rng);
    else x[i] = polynomialMutation(x[i]!, low, high, etaM, rng);
  }
}

/** A uniformly drawn value of [low, high] other than `current` (unchanged when the range has one value). */
export function integerMutation(current: number, low: number, high: number, rng: Rng): number {
  if (high <= low) return low;
  if (current < low || current > high || !Number.isInteger(current)) return rng.int(low, high);
  const v = rng.int(low, high - 1);
  return v >= current ? v + 1 : v;
}

/** Polynomial mutation of one real value (Deb & Goyal 1996, pymoo's form with the boundary terms). */
export function polynomialMutation(x: number, xl: number, xu: number, eta: number, rng: Rng): number {
  if (xu <= xl) return xl;
  const delta1 = (x - xl) / (xu - xl);
  const delta2 = (xu - x) / (xu - xl);
  const mutPow = 1 / (eta + 1);
  const rand = rng.next();
  let deltaq: number;
  if (rand <= 0.5) {
    const val = 2 * rand + (1 - 2 * rand) * Math.pow(1 - delta1, eta + 1);
    deltaq = Math.pow(val, mutPow) - 1;
  } else {
    const val = 2 * (1 - rand) + 2 * (rand - 0.5) * Math.pow(1 - delta2, eta + 1);
    deltaq = 1 - Math.pow(val, mutPow);
  }
  return clip(x + deltaq * (xu - xl), xl, xu);
}

function clip(v: number, low: number, high: number): number {
  return v < low ? low : v > high ? high : v;
}
