import { describe, expect, it } from 'vitest';
import { hypervolume, igd } from '../../core/pareto/index.js';

describe('hypervolume', () => {
  it('2-D staircase by hand', () => {
    // (1,3), (2,2), (3,1) with reference (4,4): slabs 3x1 + 2x1 + 1x1 = 6.
    expect(
      hypervolume(
        [
          [1, 3],
          [2, 2],
          [3, 1],
        ],
        [4, 4],
      ),
    ).toBeCloseTo(6, 12);
    // Order does not matter; a dominated point, a duplicate and points not below the reference add nothing.
    expect(
      hypervolume(
        [
          [3, 1],
          [3, 3],
          [1, 3],
          [2, 2],
          [2, 2],
          [5, 0],
          [4, 0],
        ],
        [4, 4],
      ),
    ).toBeCloseTo(6, 12);
    expect(hypervolume([[0, 0]], [1.1, 1.1])).toBeCloseTo(1.21, 12);
    expect(hypervolume([], [1, 1])).toBe(0);
  });

  it('3-D by inclusion-exclusion by hand', () => {
    expect(hypervolume([[1, 1, 1]], [2, 2, 2])).toBeCloseTo(1, 12);
    // Boxes 2x2x1 = 4 and 1x1x2 = 2 overlapping in [1,2]^3 = 1: union 5.
    expect(
      hypervolume(
        [
          [0, 0, 1],
          [1, 1, 0],
        ],
        [2, 2, 2],
      ),
    ).toBeCloseTo(5, 12);
    // Three boxes of 4, pairwise overlaps of 2, triple overlap 1: 12 - 6 + 1 = 7.
    expect(
      hypervolume(
        [
          [1, 0, 0],
          [0, 1, 0],
          [0, 0, 1],
        ],
        [2, 2, 2],
      ),
    ).toBeCloseTo(7, 12);
  });

  it('1-D and 4-D', () => {
    expect(hypervolume([[0.25], [0.5]], [1])).toBeCloseTo(0.75, 12);
    // Two 4-D boxes: [0,2]^4 minus... (0,0,0,1) -> 2*2*2*1 = 8, (1,1,1,0) -> 1*1*1*2 = 2, overlap [1,2]^4 = 1.
    expect(
      hypervolume(
        [
          [0, 0, 0, 1],
          [1, 1, 1, 0],
        ],
        [2, 2, 2, 2],
      ),
    ).toBeCloseTo(9, 12);
  });

  it('rejects malformed points with one clear line', () => {
    expect(() => hypervolume([[1, 2, 3]], [4, 4])).toThrow(/3 objectives, the reference 2/);
    expect(() => hypervolume([[NaN, 1]], [4, 4])).toThrow(/non-finite/);
  });
});

describe('IGD', () => {
  it('hand case', () => {
    // Reference (0,1), (1,0); approximation (0,2): distances 1 and sqrt(5).
    expect(
      igd(
        [[0, 2]],
        [
          [0, 1],
          [1, 0],
        ],
      ),
    ).toBeCloseTo((1 + Math.sqrt(5)) / 2, 12);
    // Covering every reference point gives 0; the nearest approximation point counts.
    expect(
      igd(
        [
          [0, 1],
          [1, 0],
          [5, 5],
        ],
        [
          [0, 1],
          [1, 0],
        ],
      ),
    ).toBe(0);
  });

  it('rejects empty sets', () => {
    expect(() => igd([], [[0, 1]])).toThrow(/approximation set is empty/);
    expect(() => igd([[0, 1]], [])).toThrow(/reference front is empty/);
  });
});
