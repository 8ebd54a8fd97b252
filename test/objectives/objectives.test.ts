import { describe, expect, it } from 'vitest';
import type { RawScores } from '../../core/contracts/objective.js';
import { flopsSingle, flopsSum, mstfEq5, normaliseColumn, pair } from '../../plugins/objectives/index.js';

// Hand-made pool. Finite ranges: jacob_cov 10..30, synflow 2..8, flops 100..300.
// Normalised by hand (non-finite -> the pool's worst: min for indicators, max for FLOPs):
//   row  jacob_cov      synflow          flops
//   r0   0              0                0
//   r1   0.5            1/3              1
//   r2   1              null -> 2 -> 0   0.5
//   r3   NaN -> 10 -> 0 1                Infinity -> 300 -> 1
const pool: RawScores[] = [
  { jacob_cov: 10, synflow: 2, flops: 100 },
  { jacob_cov: 20, synflow: 4, flops: 300 },
  { jacob_cov: 30, synflow: null, flops: 200 },
  { jacob_cov: NaN, synflow: 8, flops: Infinity },
];
const indicators = ['jacob_cov', 'synflow'];

const close = (actual: number[][], expected: number[][]) => {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((row, i) => {
    row.forEach((v, j) => {
      expect(v).toBeCloseTo(expected[i]![j]!, 12);
    });
  });
};

describe('mstf-eq5 (f1 = -p1 - flops, f2 = -p2 + flops)', () => {
  it('normalises over the pool, replaces non-finite values by the worst, flags them', () => {
    const r = mstfEq5.build(pool, indicators, {});
    close(r.F, [
      [0, 0],
      [-0.5 - 1, -1 / 3 + 1],
      [-1 - 0.5, -0 + 0.5],
      [-0 - 1, -1 + 1],
    ]);
    expect(r.flagged).toEqual([[], [], ['synflow'], ['jacob_cov', 'flops']]);
    expect(r.normalised[1]!.jacob_cov).toBeCloseTo(0.5, 12);
    expect(r.normalised[1]!.synflow).toBeCloseTo(1 / 3, 12);
    expect(r.normalised[2]).toEqual({ jacob_cov: 1, synflow: 0, flops: 0.5 });
    expect(r.normalised[3]).toEqual({ jacob_cov: 0, synflow: 1, flops: 1 });
  });

  it('declares its objectives and the scores it needs', () => {
    expect(mstfEq5.nObjectives(indicators)).toBe(2);
    expect(mstfEq5.requiredScores(indicators)).toEqual(['jacob_cov', 'synflow', 'flops']);
  });

  it('normalisation is pool-relative: the same candidate gets new objectives in a new pool', () => {
    const alone = mstfEq5.build([pool[1]!, { jacob_cov: 40, synflow: 4, flops: 300 }], indicators, {});
    // jacob_cov range is now 20..40: candidate r1 has 0 (it had 0.5); synflow and flops are constant -> 0.
    close(alone.F, [
      [0, 0],
      [-1, 0],
    ]);
  });
});

describe('Table IX forms', () => {
  it('pair: (-p1, -p2), no FLOPs', () => {
    const r = pair.build(pool, indicators, {});
    close(r.F, [
      [0, 0],
      [-0.5, -1 / 3],
      [-1, 0],
      [0, -1],
    ]);
    expect(pair.requiredScores(indicators)).toEqual(indicators);
    expect(r.flagged).toEqual([[], [], ['synflow'], ['jacob_cov']]);
    expect(Object.keys(r.normalised[0]!)).toEqual(indicators);
  });

  it('flops-single: (flops, -p) with one indicator', () => {
    const r = flopsSingle.build(pool, ['synflow'], {});
    close(r.F, [
      [0, 0],
      [1, -1 / 3],
      [0.5, 0],
      [1, -1],
    ]);
    expect(flopsSingle.requiredScores(['synflow'])).toEqual(['synflow', 'flops']);
  });

  it('flops-sum: (flops, -(p1 + p2))', () => {
    const r = flopsSum.build(pool, indicators, {});
    close(r.F, [
      [0, 0],
      [1, -(0.5 + 1 / 3)],
      [0.5, -1],
      [1, -1],
    ]);
  });

  it('indicator lists are checked with one clear line', () => {
    expect(() => mstfEq5.nObjectives(['synflow'])).toThrow(
      'objective mstf-eq5 takes exactly 2 indicators, got 1 (synflow)',
    );
    expect(() => flopsSingle.build(pool, indicators, {})).toThrow(/flops-single takes exactly 1 indicator, got 2/);
    expect(() => pair.requiredScores(['synflow', 'synflow'])).toThrow(/listed twice/);
    expect(() => mstfEq5.requiredScores(['synflow', 'flops'])).toThrow(/do not list "flops"/);
  });
});

describe('column normalisation edge cases', () => {
  it('a constant column normalises to 0; so does a column without any finite value', () => {
    expect(normaliseColumn([{ a: 5 }, { a: 5 }, { a: null }], 'a', true)).toEqual({
      values: [0, 0, 0],
      flagged: [false, false, true],
    });
    expect(normaliseColumn([{ a: NaN }, { a: -Infinity }], 'a', true)).toEqual({
      values: [0, 0],
      flagged: [true, true],
    });
  });

  it('a missing score counts as non-finite; +Infinity is not "best"', () => {
    const c = normaliseColumn([{ a: 1 }, {}, { a: 3 }, { a: Infinity }], 'a', true);
    expect(c.values).toEqual([0, 0, 1, 0]);
    expect(c.flagged).toEqual([false, true, false, true]);
    const f = normaliseColumn([{ flops: 1 }, { flops: -Infinity }, { flops: 3 }], 'flops', false);
    expect(f.values).toEqual([0, 1, 1]); // the worst FLOPs is the largest
  });

  it('an empty pool gives empty results', () => {
    expect(mstfEq5.build([], indicators, {})).toEqual({ F: [], flagged: [], normalised: [] });
  });
});
