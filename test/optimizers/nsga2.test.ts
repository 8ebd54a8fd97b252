import { describe, expect, it } from 'vitest';
import type { Evaluated, Problem } from '../../core/contracts/optimizer.js';
import type { Genotype } from '../../core/contracts/search-space.js';
import { Rng } from '../../core/util/rng.js';
import { nsga2, tournamentWinner } from '../../plugins/optimizer-nsga2/index.js';
import { drive, intObjectives, intProblem, userOptions } from './helpers.js';

const evalWith =
  (problem: Problem) =>
  (x: Genotype): Evaluated => ({ x, F: intObjectives(x, problem) });

describe('nsga2 ask/tell on an integer problem', () => {
  it('uses the NSGA-Net defaults: 40 initial, 40 offspring, population 40', () => {
    const problem = intProblem();
    const opt = nsga2.create(problem, userOptions({}), 1);
    const first = opt.ask();
    expect(first).toHaveLength(40);
    opt.tell(first.map(evalWith(problem)));
    expect(opt.population()).toHaveLength(40);
    expect(opt.generation()).toBe(1);
    const kids = opt.ask();
    expect(kids).toHaveLength(40);
    opt.tell([...opt.population(), ...kids.map(evalWith(problem))]);
    expect(opt.population()).toHaveLength(40);
    expect(opt.generation()).toBe(2);
  });

  it('offspring are integers within bounds for every gene', () => {
    const problem = intProblem();
    const opt = nsga2.create(problem, userOptions({ population: 20, offspring: 20 }), 7);
    const bad: string[] = [];
    let count = 0;
    for (const batch of drive(opt, evalWith(problem), 15)) {
      for (const x of batch) {
        count++;
        if (x.length !== 12) bad.push(`length ${x.length}`);
        x.forEach((v, i) => {
          const { low, high } = problem.bounds[i]!;
          if (!Number.isInteger(v) || v < low || v > high) bad.push(`gene ${i} = ${v}`);
        });
      }
    }
    expect(count).toBe(20 * 15);
    expect(bad).toEqual([]);
  });

  it('finds the whole known front of an integer problem', () => {
    // f1 = x0, f2 = (7 - x0) + sum of the other genes. Pareto-optimal: every other gene 0, any x0, so
    // the front is exactly the 8 genotypes [k, 0, ..., 0] (k = 0..7). A random genotype has all 11 other
    // genes at 0 with probability 1 / 5,806,080, so none is in the initial population.
    const problem = intProblem();
    const evaluate = (x: Genotype): Evaluated => ({ x, F: [x[0]!, 7 - x[0]! + x.slice(1).reduce((a, b) => a + b, 0)] });
    const opt = nsga2.create(problem, userOptions({ population: 20, offspring: 20 }), 3);
    drive(opt, evaluate, 1);
    const optimal = (p: Evaluated) => p.x.slice(1).every((v) => v === 0);
    expect(opt.population().filter(optimal)).toHaveLength(0);
    drive(opt, evaluate, 60);
    const found = opt
      .population()
      .filter(optimal)
      .map((p) => p.x[0])
      .sort();
    expect(found).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('asks the same unanswered batch again without consuming randomness', () => {
    const problem = intProblem();
    const a = nsga2.create(problem, userOptions({ population: 10, offspring: 10 }), 5);
    const b = nsga2.create(problem, userOptions({ population: 10, offspring: 10 }), 5);
    expect(a.ask()).toEqual(a.ask());
    drive(a, evalWith(problem), 1); // ask() here returns the pending batch
    drive(b, evalWith(problem), 1);
    expect(a.ask()).toEqual(b.ask());
  });
});

describe('duplicate elimination by problem.key', () => {
  it('offspring never repeat each other nor a population member', () => {
    // 3 binary genes, key = the multiset (gene sum): only 4 distinct "networks" (sums 0..3).
    const problem: Problem = {
      bounds: [0, 1, 2].map((i) => ({ name: `b${i}`, low: 0, high: 1 })),
      nObjectives: 2,
      sample: (rng) => [rng.int(0, 1), rng.int(0, 1), rng.int(0, 1)],
      key: (x) => String(x[0]! + x[1]! + x[2]!),
    };
    const evaluate = (x: Genotype): Evaluated => {
      const s = x[0]! + x[1]! + x[2]!;
      return { x, F: [s, 3 - s] };
    };
    const opt = nsga2.create(problem, userOptions({ population: 2, offspring: 2 }), 1);
    const first = opt.ask();
    expect(new Set(first.map(problem.key!)).size).toBe(2);
    opt.tell(first.map(evaluate));
    for (let g = 0; g < 10; g++) {
      const popKeys = new Set(opt.population().map((p) => problem.key!(p.x)));
      const kids = opt.ask();
      const kidKeys = kids.map(problem.key!);
      expect(new Set(kidKeys).size).toBe(kids.length);
      for (const k of kidKeys) expect(popKeys.has(k)).toBe(false);
      expect(kids).toHaveLength(2); // 4 keys - 2 in the population = exactly 2 left
      opt.tell([...opt.population(), ...kids.map(evaluate)]);
    }
  });

  it('returns fewer genotypes, and terminates, when the space is nearly exhausted', () => {
    const problem: Problem = {
      bounds: [{ name: 'a', low: 0, high: 3 }],
      nObjectives: 2,
      sample: (rng) => [rng.int(0, 3)],
    };
    const evaluate = (x: Genotype): Evaluated => ({ x, F: [x[0]!, 3 - x[0]!] });
    const opt = nsga2.create(problem, userOptions({ population: 10, offspring: 10 }), 1);
    const first = opt.ask();
    expect(first.map((x) => x[0]).sort()).toEqual([0, 1, 2, 3]); // only 4 genotypes exist
    opt.tell(first.map(evaluate));
    expect(opt.ask()).toEqual([]); // nothing unseen is left
  });

  it('repairs every asked genotype with problem.repair', () => {
    // Repair forbids gene 0 = 0 (a stand-in for a degenerate network).
    const problem = intProblem({
      repair: (x) => (x[0] === 0 ? [1, ...x.slice(1)] : x),
    });
    const opt = nsga2.create(problem, userOptions({ population: 16, offspring: 16 }), 2);
    for (const batch of drive(opt, evalWith(problem), 10)) for (const x of batch) expect(x[0]).not.toBe(0);
  });
});

describe('constraint-domination', () => {
  it('tournament: feasible beats infeasible, smaller violation, then dominance, then crowding', () => {
    const rng = new Rng(1);
    const feasibleBad = { F: [9, 9], crowding: 0 };
    const infeasibleGood = { F: [0, 0], violation: 0.5, crowding: Infinity };
    const worse = { F: [0, 0], violation: 2, crowding: Infinity };
    expect(tournamentWinner(feasibleBad, infeasibleGood, rng)).toBe(feasibleBad);
    expect(tournamentWinner(infeasibleGood, feasibleBad, rng)).toBe(feasibleBad);
    expect(tournamentWinner(worse, infeasibleGood, rng)).toBe(infeasibleGood);
    const dom = { F: [1, 1], crowding: 0 };
    const dominated = { F: [2, 2], crowding: Infinity };
    expect(tournamentWinner(dominated, dom, rng)).toBe(dom);
    const sparse = { F: [1, 3], crowding: 2 };
    const dense = { F: [3, 1], crowding: 0.5 };
    expect(tournamentWinner(dense, sparse, rng)).toBe(sparse);
    // A full tie is a coin flip: both sides win sometimes.
    const t1 = { F: [1, 3], crowding: 1 };
    const t2 = { F: [3, 1], crowding: 1 };
    const wins = new Set(Array.from({ length: 50 }, () => tournamentWinner(t1, t2, rng)));
    expect(wins.size).toBe(2);
  });

  it('survival drops infeasible candidates first, even with better objectives', () => {
    const problem = intProblem();
    const opt = nsga2.create(problem, userOptions({ population: 4, offspring: 4 }), 1);
    opt.tell(opt.ask().map(evalWith(problem)));
    // Two offspring are infeasible with the best objectives of the pool; 6 feasible rows compete for 4 places.
    const kids = opt.ask().map((x, i) => (i < 2 ? { x, F: [-100, -100], violation: 1 } : evalWith(problem)(x)));
    opt.tell([...opt.population(), ...kids]);
    const kept = opt.population();
    expect(kept).toHaveLength(4);
    expect(kept.every((p) => !p.violation)).toBe(true);
  });
});

describe('seeded determinism and exact resume', () => {
  const problem = intProblem();
  const evaluate = evalWith(problem);
  const opts = userOptions<Parameters<typeof nsga2.create>[1]>({ population: 12, offspring: 10 });

  it('the same seed gives the same sequence; another seed a different one', () => {
    const a = drive(nsga2.create(problem, opts, 42), evaluate, 8);
    const b = drive(nsga2.create(problem, opts, 42), evaluate, 8);
    const c = drive(nsga2.create(problem, opts, 43), evaluate, 8);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('a search resumed from JSON state after any tell (or between ask and tell) continues identically', () => {
    const total = 10;
    const reference = nsga2.create(problem, opts, 9);
    const refAsked = drive(reference, evaluate, total);
    for (const stopAfter of [1, 4, 7]) {
      for (const pendingAsk of [false, true]) {
        const first = nsga2.create(problem, opts, 9);
        const asked = drive(first, evaluate, stopAfter);
        if (pendingAsk) first.ask();
        const saved = JSON.parse(JSON.stringify(first.state()));
        const resumed = nsga2.create(problem, opts, 12345); // the seed is irrelevant once restored
        resumed.restore(saved);
        expect(resumed.generation()).toBe(stopAfter);
        asked.push(...drive(resumed, evaluate, total - stopAfter));
        expect(asked).toEqual(refAsked);
        expect(resumed.population()).toEqual(reference.population());
      }
    }
  });

  it('rejects a foreign or mismatched checkpoint with one clear line', () => {
    const opt = nsga2.create(problem, opts, 1);
    expect(() => opt.restore({ optimizer: 'random' })).toThrow(/not an nsga2 checkpoint/);
    const other = nsga2.create({ ...problem, bounds: problem.bounds.slice(0, 3) }, opts, 1);
    expect(() => opt.restore(other.state())).toThrow(/checkpoint has 3 variables, the problem 12/);
  });
});

describe('input checks', () => {
  const problem = intProblem();

  it('options are validated with one clear line', () => {
    expect(() => nsga2.create(problem, userOptions({ population: 1 }), 1)).toThrow(/nsga2 options: population/);
    expect(() => nsga2.create(problem, userOptions({ crossoverProb: 2 }), 1)).toThrow(/crossoverProb/);
    expect(() => nsga2.create(problem, userOptions({ popsize: 10 }), 1)).toThrow(/nsga2 options/);
  });

  it('tell() checks the pool', () => {
    const opt = nsga2.create(problem, userOptions({ population: 4, offspring: 4 }), 1);
    expect(() => opt.tell([])).toThrow(/tell\(\) without a pending ask\(\)/);
    const asked = opt.ask();
    const rows = asked.map(evalWith(problem));
    expect(() => opt.tell(rows.slice(1))).toThrow(/lacks 1 of the 4 asked genotypes/);
    expect(() => opt.tell(rows.map((r, i) => (i === 0 ? { ...r, F: [NaN, 1] } : r)))).toThrow(
      /row 0 has a non-finite objective/,
    );
    expect(() => opt.tell(rows.map((r) => ({ ...r, F: [1] })))).toThrow(/1 objectives, expected 2/);
    opt.tell(rows); // still usable after rejected calls
    expect(opt.population()).toHaveLength(4);
  });

  it('problems with bad bounds are rejected', () => {
    expect(() => nsga2.create({ ...problem, bounds: [{ name: 'a', low: 2, high: 1 }] }, userOptions({}), 1)).toThrow(
      /variable a has invalid int bounds/,
    );
    expect(() => nsga2.create({ ...problem, bounds: [{ name: 'a', low: 0, high: 1.5 }] }, userOptions({}), 1)).toThrow(
      /invalid int bounds/,
    );
    expect(() => nsga2.create({ ...problem, bounds: [] }, userOptions({}), 1)).toThrow(/no variables/);
  });
});
