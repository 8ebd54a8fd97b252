import { describe, expect, it } from 'vitest';
import { finalPick, paretoFront } from '../../core/pareto/index.js';

describe('final pick (highest normalised p1 + p2 in the last population)', () => {
  const normalised = [
    { jacob_cov: 0.2, synflow: 0.9, flops: 0 }, // 1.1
    { jacob_cov: 1.0, synflow: 0.5, flops: 1 }, // 1.5
    { jacob_cov: 0.6, synflow: 0.6, flops: 0.3 }, // 1.2
    { jacob_cov: 0.9, synflow: 0.9, flops: 0.1 }, // 1.8 but infeasible
  ];

  it('picks the feasible candidate with the highest sum, ignoring FLOPs', () => {
    const pool = [{}, {}, {}, { violation: 1 }];
    expect(finalPick(pool, normalised, ['jacob_cov', 'synflow'])).toBe(1);
    // Without the constraint the infeasible row would win: the rule really reads the sum.
    expect(finalPick([{}, {}, {}, {}], normalised, ['jacob_cov', 'synflow'])).toBe(3);
    // One indicator: highest synflow, first of the ties (rows 0 and 3) -> 0.
    expect(finalPick([{}, {}, {}, {}], normalised, ['synflow'])).toBe(0);
  });

  it('falls back to the best sum when every candidate is infeasible', () => {
    expect(
      finalPick(
        normalised.map(() => ({ violation: 1 })),
        normalised,
        ['jacob_cov', 'synflow'],
      ),
    ).toBe(3);
  });

  it('rejects inconsistent input with one clear line', () => {
    expect(() => finalPick([], [], ['a'])).toThrow(/population is empty/);
    expect(() => finalPick([{}], [], ['a'])).toThrow(/0 normalised rows for a population of 1/);
    expect(() => finalPick([{}], [{ a: 1 }], ['b'])).toThrow(/row 0 has no normalised value for "b"/);
  });
});

describe('Pareto front', () => {
  it('is the first front under constraint-domination', () => {
    const pool = [{ F: [1, 5] }, { F: [2, 3] }, { F: [3, 4] }, { F: [0, 0], violation: 1 }, { F: [4, 1] }];
    expect(paretoFront(pool)).toEqual([0, 1, 4]);
    expect(paretoFront([])).toEqual([]);
  });
});
