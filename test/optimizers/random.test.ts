import { describe, expect, it } from 'vitest';
import type { Evaluated, Problem } from '../../core/contracts/optimizer.js';
import type { Genotype } from '../../core/contracts/search-space.js';
import { randomSearch } from '../../plugins/optimizer-random/index.js';
import { drive, intObjectives, intProblem, userOptions } from './helpers.js';

const evalWith =
  (problem: Problem) =>
  (x: Genotype): Evaluated => ({ x, F: intObjectives(x, problem) });

describe('random search baseline', () => {
  it('spends the nsga2 budget: population first, then offspring per generation, never the same network twice', () => {
    const problem = intProblem();
    const opt = randomSearch.create(problem, userOptions({ population: 10, offspring: 6 }), 1);
    const asked = drive(opt, evalWith(problem), 1 + 8);
    expect(asked.map((b) => b.length)).toEqual([10, 6, 6, 6, 6, 6, 6, 6, 6]);
    const keys = asked.flat().map((x) => x.join(','));
    expect(new Set(keys).size).toBe(10 + 8 * 6);
    expect(opt.population()).toHaveLength(10);
    expect(opt.generation()).toBe(9);
  });

  it('keeps the best population by non-dominated rank, then crowding', () => {
    const problem: Problem = {
      bounds: [{ name: 'a', low: 0, high: 99 }],
      nObjectives: 2,
      sample: (rng) => [rng.int(0, 99)],
    };
    // Hand pool: 3 candidates on a front, 2 dominated ones; population 3 keeps exactly the front.
    const opt = randomSearch.create(problem, userOptions({ population: 3, offspring: 2 }), 1);
    const asked = opt.ask();
    const F = [
      [5, 5], // dominated by [1, 4]
      [1, 4],
      [4, 1],
    ];
    opt.tell(asked.map((x, i) => ({ x, F: F[i]! })));
    const kids = opt.ask();
    opt.tell([...opt.population(), { x: kids[0]!, F: [2, 2] }, { x: kids[1]!, F: [6, 6] }]);
    const kept = opt.population().map((p) => p.F);
    expect(kept).toHaveLength(3);
    expect(kept).toEqual(
      expect.arrayContaining([
        [1, 4],
        [4, 1],
        [2, 2],
      ]),
    );
  });

  it('returns fewer genotypes when every network has been seen', () => {
    const problem: Problem = {
      bounds: [{ name: 'a', low: 0, high: 4 }],
      nObjectives: 2,
      sample: (rng) => [rng.int(0, 4)],
    };
    const evaluate = (x: Genotype): Evaluated => ({ x, F: [x[0]!, 4 - x[0]!] });
    const opt = randomSearch.create(problem, userOptions({ population: 3, offspring: 3 }), 2);
    const asked = drive(opt, evaluate, 3);
    expect(asked.map((b) => b.length)).toEqual([3, 2, 0]);
    expect(
      asked
        .flat()
        .map((x) => x[0])
        .sort(),
    ).toEqual([0, 1, 2, 3, 4]);
  });

  it('resumes exactly from JSON state (pending ask included) and is seeded', () => {
    const problem = intProblem();
    const evaluate = evalWith(problem);
    const opts = userOptions<Parameters<typeof randomSearch.create>[1]>({ population: 8, offspring: 5 });
    const reference = drive(randomSearch.create(problem, opts, 4), evaluate, 7);
    expect(drive(randomSearch.create(problem, opts, 4), evaluate, 7)).toEqual(reference);
    expect(drive(randomSearch.create(problem, opts, 5), evaluate, 7)).not.toEqual(reference);
    for (const pendingAsk of [false, true]) {
      const first = randomSearch.create(problem, opts, 4);
      const asked = drive(first, evaluate, 3);
      if (pendingAsk) first.ask();
      const resumed = randomSearch.create(problem, opts, 0);
      resumed.restore(JSON.parse(JSON.stringify(first.state())));
      asked.push(...drive(resumed, evaluate, 4));
      expect(asked).toEqual(reference);
    }
    expect(() => randomSearch.create(problem, opts, 0).restore({ optimizer: 'nsga2' })).toThrow(
      /not a random-search checkpoint/,
    );
  });
});
