import { describe, expect, it } from 'vitest';
import type { Problem } from '../../core/contracts/optimizer.js';
import type { Genotype } from '../../core/contracts/search-space.js';
import {
  type Arrival,
  generationStep,
  inAskOrder,
  type PoolRow,
  survivorIndices,
} from '../../core/search/generation.js';
import { Rng } from '../../core/util/rng.js';
import { pair } from '../../plugins/objectives/index.js';
import { Nsga2Instance } from '../../plugins/optimizer-nsga2/nsga2.js';

/**
 * The generation step without a store, an executor or a clock: the real `pair` objective (min-max over the pool,
 * F = (-a, -b)) and the real NSGA-II survival, on a pool whose objectives, fronts and crowding are computed by
 * hand below.
 */

const problem: Problem = {
  bounds: [{ name: 'g', low: 0, high: 30 }],
  nObjectives: 2,
  sample: (rng) => [rng.int(0, 30)],
};
const objective = { builder: pair, indicators: ['a', 'b'], options: {} };
const identify = (x: Genotype) => x.join(',');
const row = (g: number, a: number | null, b: number | null, violation = 0): PoolRow => ({
  x: [g],
  raw: { a, b },
  violation,
});

/** NSGA-II (population 4) restored to: population [10] [11] [12] [13], asked [20] [21] [22] [23]. */
function restored(): Nsga2Instance {
  const opt = new Nsga2Instance(problem, { population: 4, offspring: 4 }, 7);
  opt.restore({
    optimizer: 'nsga2',
    version: 1,
    nVar: 1,
    rng: 12345,
    generation: 1,
    population: [10, 11, 12, 13].map((g) => ({ x: [g], F: [0, 0], rank: 0, crowding: null })),
    pending: [[20], [21], [22], [23]],
  });
  return opt;
}

// Raw scores (a, b). P3 is infeasible (a degenerate network); O3's `a` is NaN.
const parents = [row(10, 8, 0), row(11, 6, 3), row(12, 2, 2), row(13, 5, 5, 1)];
const offspring = [row(20, 0, 8), row(21, 4, 6), row(22, 7, 2), row(23, Number.NaN, 4)];
const arrivals = (order: number[]): Arrival[] => order.map((index) => ({ index, ...offspring[index]! }));

describe('generationStep, a hand-computed pool', () => {
  // a over the pool's finite values: min 0, max 8 -> a / 8; O3's NaN takes the worst (0) and is flagged.
  // b: min 0, max 8 -> b / 8. F = (-a/8, -b/8):
  //   k0 P0 (-1, 0)        k1 P1 (-.75, -.375)  k2 P2 (-.25, -.25)  k3 P3 (-.625, -.625) infeasible
  //   k4 O0 (0, -1)        k5 O1 (-.5, -.75)    k6 O2 (-.875, -.25) k7 O3 (0, -.5)
  // Fronts: {k0 k1 k4 k5 k6} (k1 dominates k2, k5 dominates k7), {k2 k7}, {k3} (infeasible last).
  // Crowding in front 0 (span 1 in both objectives): k0, k4 extremes (Infinity);
  //   f1 order k0 k6 k1 k5 k4: k6 .25, k1 .375, k5 .75; f2 order k4 k5 k1 k6 k0: k5 .625, k1 .5, k6 .375
  //   -> k1 .875, k5 1.375, k6 .625. Population 4 of 5: k6 (smallest crowding) goes; by crowding: k0 k4 k5 k1.
  const F = [
    [-1, -0],
    [-0.75, -0.375],
    [-0.25, -0.25],
    [-0.625, -0.625],
    [-0, -1],
    [-0.5, -0.75],
    [-0.875, -0.25],
    [-0, -0.5],
  ];

  it('objectives over the merged pool, NSGA-II survivors in population order, their ranks and the told state', () => {
    const optimizer = restored();
    const step = generationStep({ optimizer, parents, offspring: arrivals([0, 1, 2, 3]), objective, identify });

    expect(step.pool.map((p) => p.x[0])).toEqual([10, 11, 12, 13, 20, 21, 22, 23]);
    expect(step.objectives.F).toEqual(F);
    expect(step.objectives.flagged).toEqual([[], [], [], [], [], [], [], ['a']]);
    expect(step.objectives.normalised[7]).toEqual({ a: 0, b: 0.5 });
    expect(step.told.map((t) => t.violation)).toEqual([0, 0, 0, 1, 0, 0, 0, 0]);

    expect(step.survivors).toEqual([0, 4, 5, 1]);
    expect(step.rank).toEqual([0, 0, null, null, 0, 0, null, null]);
    expect(step.front).toBe(4);
    expect(step.best).toEqual({ a: 8, b: 8 });

    // The told state: the survivors with their objectives, front and crowding (Infinity stored as null);
    // no pending ask, one more generation, the RNG untouched by survival.
    expect(step.state).toEqual({
      optimizer: 'nsga2',
      version: 1,
      nVar: 1,
      rng: 12345,
      generation: 2,
      population: [
        { x: [10], F: F[0], violation: 0, rank: 0, crowding: null },
        { x: [20], F: F[4], violation: 0, rank: 0, crowding: null },
        { x: [21], F: F[5], violation: 0, rank: 0, crowding: 1.375 },
        { x: [11], F: F[1], violation: 0, rank: 0, crowding: 0.875 },
      ],
      pending: null,
    });
    expect(optimizer.population().map((p) => p.x[0])).toEqual([10, 20, 21, 11]);
  });

  it('gives the same result for every arrival order of the offspring', () => {
    const reference = generationStep({
      optimizer: restored(),
      parents,
      offspring: arrivals([0, 1, 2, 3]),
      objective,
      identify,
    });
    const permutations = (xs: number[]): number[][] =>
      xs.length <= 1 ? [xs] : xs.flatMap((x, i) => permutations(xs.filter((_, j) => j !== i)).map((p) => [x, ...p]));
    const orders = permutations([0, 1, 2, 3]);
    expect(orders).toHaveLength(24);
    for (const order of orders) {
      const step = generationStep({ optimizer: restored(), parents, offspring: arrivals(order), objective, identify });
      expect(step).toEqual(reference);
    }
  });

  it('a failed score (null) is handled as NaN: the pool worst, flagged', () => {
    const withNull = [...offspring.slice(0, 3), row(23, null, 4)];
    const a = generationStep({
      optimizer: restored(),
      parents,
      offspring: withNull.map((r, index) => ({ index, ...r })),
      objective,
      identify,
    });
    const b = generationStep({
      optimizer: restored(),
      parents,
      offspring: arrivals([0, 1, 2, 3]),
      objective,
      identify,
    });
    expect(a.objectives).toEqual(b.objectives);
    expect(a.survivors).toEqual(b.survivors);
  });
});

describe('generationStep over several generations of NSGA-II', () => {
  /** Raw scores as a function of the genotype (two conflicting indicators, one NaN). */
  const score = (g: number): PoolRow => row(g, g === 13 ? Number.NaN : g, (g * 7) % 31);

  /** `generations` ask -> step rounds; `shuffle` reorders each generation's arrivals with a seeded RNG. */
  function run(shuffle: boolean) {
    const optimizer = new Nsga2Instance(problem, { population: 6, offspring: 6 }, 42);
    const order = new Rng(9);
    let population: PoolRow[] = [];
    const history: { asked: Genotype[]; survivors: number[]; state: unknown }[] = [];
    for (let g = 0; g < 5; g++) {
      const asked = optimizer.ask();
      const rows = asked.map((x, index) => ({ index, ...score(x[0]!) }));
      if (shuffle) {
        for (let i = rows.length - 1; i > 0; i--) {
          const j = order.int(0, i);
          [rows[i], rows[j]] = [rows[j]!, rows[i]!];
        }
      }
      const step = generationStep({ optimizer, parents: population, offspring: rows, objective, identify });
      history.push({ asked, survivors: step.survivors, state: step.state });
      population = step.survivors.map((k) => step.pool[k]!);
    }
    return history;
  }

  it('same seed, any arrival order: the same asks, survivors and checkpoints', () => {
    const inOrder = run(false);
    expect(run(true)).toEqual(inOrder);
    // The parents of each generation are the previous survivors, in population order.
    expect(inOrder.every((h) => h.survivors.length === 6)).toBe(true);
  });

  it('a checkpoint restored into a fresh instance continues exactly (what a resume does)', () => {
    const straight = run(false);
    const optimizer = new Nsga2Instance(problem, { population: 6, offspring: 6 }, 42);
    optimizer.restore(straight[2]!.state);
    expect(optimizer.ask()).toEqual(straight[3]!.asked);
  });
});

describe('step helpers', () => {
  it('inAskOrder puts arrivals back in ask order and refuses a missing or repeated index', () => {
    expect(inAskOrder(arrivals([2, 0, 3, 1])).map((r) => r.x[0])).toEqual([20, 21, 22, 23]);
    expect(() => inAskOrder(arrivals([0, 0, 1, 2]))).toThrow(/repeated/);
    expect(() => inAskOrder([{ index: 4, ...offspring[0]! }])).toThrow(/out of range/);
  });

  it('survivorIndices uses each pool row once (equal genotypes) and refuses a member not in the pool', () => {
    const pool = [row(1, 0, 0), row(2, 0, 0), row(1, 0, 0)];
    const member = (g: number) => ({ x: [g], F: [0, 0] });
    expect(survivorIndices(pool, [member(1), member(2), member(1)], identify)).toEqual([0, 1, 2]);
    expect(() => survivorIndices(pool, [member(3)], identify)).toThrow(/survivor 3 is not in the pool/);
  });
});
