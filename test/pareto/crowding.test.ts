import { describe, expect, it } from 'vitest';
import { crowdingDistance, rankAndCrowdingSurvival } from '../../core/pareto/index.js';

describe('crowding distance (Deb 2002)', () => {
  it('hand-worked 5-point front, given in shuffled order', () => {
    // Front (f1, f2): P0 (0, 20), P1 (1, 12), P2 (2, 6), P3 (6, 2), P4 (10, 0). Ranges: f1 10, f2 20.
    // P1: f1 neighbours 0 and 2 -> 2/10 = 0.2; f2 neighbours 6 and 20 -> 14/20 = 0.7; total 0.9
    // P2: f1 neighbours 1 and 6 -> 0.5;        f2 neighbours 2 and 12 -> 10/20 = 0.5; total 1.0
    // P3: f1 neighbours 2 and 10 -> 0.8;       f2 neighbours 0 and 6 -> 6/20 = 0.3;  total 1.1
    // P0, P4: extremes -> infinite.
    const front = [
      [6, 2], // P3
      [0, 20], // P0
      [2, 6], // P2
      [10, 0], // P4
      [1, 12], // P1
    ];
    const d = crowdingDistance(front);
    expect(d[1]).toBe(Infinity);
    expect(d[3]).toBe(Infinity);
    expect(d[4]).toBeCloseTo(0.9, 12);
    expect(d[2]).toBeCloseTo(1.0, 12);
    expect(d[0]).toBeCloseTo(1.1, 12);
  });

  it('fronts of one or two points are all extremes', () => {
    expect(crowdingDistance([[1, 2]])).toEqual([Infinity]);
    expect(
      crowdingDistance([
        [1, 2],
        [2, 1],
      ]),
    ).toEqual([Infinity, Infinity]);
    expect(crowdingDistance([])).toEqual([]);
  });

  it('an objective constant over the front contributes nothing (not even extremes)', () => {
    // f2 = 5 everywhere; f1 = 1, 0, 3, 2 (input order). Only f1 counts, range 3:
    // f1 = 1: neighbours 0 and 2 -> 2/3; f1 = 2: neighbours 1 and 3 -> 2/3; f1 = 0 and 3: infinite.
    const d = crowdingDistance([
      [1, 5],
      [0, 5],
      [3, 5],
      [2, 5],
    ]);
    expect(d[0]).toBeCloseTo(2 / 3, 12);
    expect(d[3]).toBeCloseTo(2 / 3, 12);
    expect(d[1]).toBe(Infinity);
    expect(d[2]).toBe(Infinity);
  });

  it('three objectives: sums the normalised gaps of each objective', () => {
    // f1 sorted a 0, b 1, c 2, dd 4 (range 4); f2 sorted a 0, b 2, c 4, dd 8 (range 8);
    // f3 sorted c 0, dd 1, b 2, a 4 (range 4).
    const a = [0, 0, 4];
    const b = [1, 2, 2];
    const c = [2, 4, 0];
    const dd = [4, 8, 1];
    const d = crowdingDistance([a, b, c, dd]);
    // a, dd are extremes in f1; c is an extreme in f3 -> infinite. b: f1 (2-0)/4 + f2 (4-0)/8 + f3 (4-1)/4.
    expect(d[0]).toBe(Infinity);
    expect(d[2]).toBe(Infinity);
    expect(d[3]).toBe(Infinity);
    expect(d[1]).toBeCloseTo(0.5 + 0.5 + 0.75, 12);
  });
});

describe('rank-and-crowding survival', () => {
  it('keeps whole fronts, then the least crowded of the split front', () => {
    const pool = [
      { F: [0, 20] }, // 0  front 0
      { F: [20, 0] }, // 1  front 0
      { F: [1, 22] }, // 2  front 1, extreme
      { F: [2, 14] }, // 3  front 1, crowding 0.9 (the 5-point hand case above, shifted by (+1, +2))
      { F: [3, 8] }, // 4  front 1, crowding 1.0
      { F: [7, 4] }, // 5  front 1, crowding 1.1
      { F: [11, 2] }, // 6  front 1, extreme
      { F: [0.5, 1] }, // 7  front 0
      { F: [30, 30] }, // 8  front 2
    ];
    // front 0 = {0, 1, 7}: 7 dominates 2..6 (0.5 < f1 and 1 < f2 for all of them); 0 and 1 do not.
    // front 1 = {2..6}: same shape as the 5-point hand case (f1 +1, f2 +2): crowding inf, .9, 1, 1.1, inf.
    const kept = rankAndCrowdingSurvival(pool, 6);
    expect(kept.map((s) => s.index)).toEqual([0, 1, 7, 2, 6, 5]);
    expect(kept.map((s) => s.rank)).toEqual([0, 0, 0, 1, 1, 1]);
    expect(kept[5]!.crowding).toBeCloseTo(1.1, 12);
    expect(rankAndCrowdingSurvival(pool, 7).map((s) => s.index)).toEqual([0, 1, 7, 2, 6, 5, 4]);
    expect(rankAndCrowdingSurvival(pool, 100).map((s) => s.index)).toEqual([0, 1, 7, 2, 3, 4, 5, 6, 8]);
  });

  it('never keeps an infeasible candidate while a feasible one is left out', () => {
    const pool = [{ F: [0, 0], violation: 1 }, { F: [5, 5] }, { F: [6, 6] }, { F: [-1, -1], violation: 0.5 }];
    expect(rankAndCrowdingSurvival(pool, 2).map((s) => s.index)).toEqual([1, 2]);
    expect(rankAndCrowdingSurvival(pool, 3).map((s) => s.index)).toEqual([1, 2, 3]);
  });
});
