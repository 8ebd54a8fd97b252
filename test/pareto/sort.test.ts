import { describe, expect, it } from 'vitest';
import {
  constrainedDominance,
  dominance,
  nonDominatedSort,
  nonDominatedSortF,
  ranksFromFronts,
} from '../../core/pareto/index.js';

describe('dominance (minimisation)', () => {
  it('hand cases', () => {
    expect(dominance([1, 2], [2, 3])).toBe(1);
    expect(dominance([2, 3], [1, 2])).toBe(-1);
    expect(dominance([1, 3], [2, 2])).toBe(0); // trade-off
    expect(dominance([1, 2], [1, 2])).toBe(0); // equal points do not dominate each other
    expect(dominance([1, 2], [1, 3])).toBe(1); // equal in one, better in the other
  });

  it('constraint-domination: feasible beats infeasible, then smaller violation', () => {
    expect(constrainedDominance({ F: [9, 9] }, { F: [0, 0], violation: 0.1 })).toBe(1);
    expect(constrainedDominance({ F: [0, 0], violation: 2 }, { F: [9, 9], violation: 1 })).toBe(-1);
    expect(constrainedDominance({ F: [0, 0], violation: 1 }, { F: [9, 9], violation: 1 })).toBe(0);
    expect(constrainedDominance({ F: [1, 1], violation: 0 }, { F: [2, 2] })).toBe(1); // 0 is feasible
  });
});

describe('fast non-dominated sort', () => {
  it('sorts a hand-worked 2-objective set into its fronts', () => {
    const F = [
      [1, 5], // 0: front 0
      [2, 3], // 1: front 0
      [4, 1], // 2: front 0
      [3, 4], // 3: dominated by 1 only -> front 1
      [5, 2], // 4: dominated by 2 only -> front 1
      [4, 5], // 5: dominated by 0, 1, 3 -> front 2
      [2, 3], // 6: equal to 1, so not dominated by it -> front 0
    ];
    expect(nonDominatedSortF(F)).toEqual([[0, 1, 2, 6], [3, 4], [5]]);
    expect(ranksFromFronts(nonDominatedSortF(F), F.length)).toEqual([0, 0, 0, 1, 1, 2, 0]);
  });

  it('a chain gives one front per point; a trade-off line gives one front', () => {
    expect(
      nonDominatedSortF([
        [3, 3],
        [1, 1],
        [2, 2],
      ]),
    ).toEqual([[1], [2], [0]]);
    expect(
      nonDominatedSortF([
        [0, 3],
        [1, 2],
        [2, 1],
        [3, 0],
      ]),
    ).toEqual([[0, 1, 2, 3]]);
  });

  it('three objectives', () => {
    const F = [
      [1, 1, 1], // dominates 3
      [0, 2, 2], // front 0
      [2, 0, 3], // front 0
      [1, 2, 2], // dominated by 0 and 1 -> front 1
    ];
    expect(nonDominatedSortF(F)).toEqual([[0, 1, 2], [3]]);
  });

  it('ranks every feasible candidate above every infeasible one', () => {
    const pool = [
      { F: [1, 1], violation: 2 }, // 0: worst violation -> last front
      { F: [5, 5] }, // 1: feasible, dominates 2
      { F: [6, 6] }, // 2: feasible
      { F: [0, 0], violation: 1 }, // 3: infeasible, better F than every feasible
      { F: [9, 9], violation: 1 }, // 4: same violation as 3 -> same front
    ];
    expect(nonDominatedSort(pool)).toEqual([[1], [2], [3, 4], [0]]);
  });

  it('empty input', () => {
    expect(nonDominatedSortF([])).toEqual([]);
  });
});
