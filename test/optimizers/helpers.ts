import type { Evaluated, OptimizerInstance, Problem } from '../../core/contracts/optimizer.js';
import type { Genotype } from '../../core/contracts/search-space.js';

/** An integer problem with varied ranges (like a cell genotype): 12 genes, ranges of 1 to 8 values. */
export function intProblem(overrides: Partial<Problem> = {}): Problem {
  const highs = [7, 0, 7, 1, 5, 2, 7, 3, 5, 4, 1, 6];
  return {
    bounds: highs.map((high, i) => ({ name: `g${i}`, low: 0, high })),
    nObjectives: 2,
    sample: (rng) => highs.map((h) => rng.int(0, h)),
    ...overrides,
  };
}

/** Two conflicting integer objectives: the gene sum, and the squared distance to the top of each range. */
export function intObjectives(x: Genotype, problem: Problem): number[] {
  const sum = x.reduce((a, b) => a + b, 0);
  const dist = x.reduce((a, v, i) => a + (problem.bounds[i]!.high - v) ** 2, 0);
  return [sum, dist];
}

/** Drive an optimizer for `generations` offspring generations; returns every asked batch. */
export function drive(opt: OptimizerInstance, evaluate: (x: Genotype) => Evaluated, tells: number): Genotype[][] {
  const asked: Genotype[][] = [];
  for (let t = 0; t < tells; t++) {
    const batch = opt.ask();
    asked.push(batch);
    opt.tell([...opt.population(), ...batch.map(evaluate)]);
  }
  return asked;
}

/**
 * Options as a user writes them (defaults left out, or deliberately invalid). `create()` is typed with the
 * parsed options, but each optimizer validates what it gets again, which these tests exercise.
 */
export function userOptions<Parsed>(options: Record<string, unknown>): Parsed {
  return options as Parsed;
}
