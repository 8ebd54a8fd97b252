import { describe, expect, it } from 'vitest';
import { choleskyLogDet, corrcoefRows, slogdet, symmetricEigenvalues, toSquare } from '../../core/util/linalg.js';
import { averageRanks, finitePairs, kendallTauB, pearson, spearman } from '../../core/util/stats.js';

describe('linalg', () => {
  it('slogdet of a 2x2 with a negative determinant (4*3 - 3*6 = -6)', () => {
    const r = slogdet(
      toSquare([
        [4, 3],
        [6, 3],
      ]),
    );
    expect(r.sign).toBe(-1);
    expect(r.logAbsDet).toBeCloseTo(Math.log(6), 12);
  });

  it('slogdet and Cholesky of the 3x3 second-difference matrix (det 4)', () => {
    const a = toSquare([
      [2, -1, 0],
      [-1, 2, -1],
      [0, -1, 2],
    ]);
    expect(slogdet(a)).toEqual({ sign: 1, logAbsDet: expect.closeTo(Math.log(4), 12) });
    expect(choleskyLogDet(a)).toBeCloseTo(Math.log(4), 12);
  });

  it('slogdet needs pivoting: [[0,1],[1,0]] has det -1', () => {
    const r = slogdet(
      toSquare([
        [0, 1],
        [1, 0],
      ]),
    );
    expect(r.sign).toBe(-1);
    expect(r.logAbsDet).toBeCloseTo(0, 14);
  });

  it('singular matrices give -Infinity; Cholesky refuses non-PD matrices', () => {
    expect(
      slogdet(
        toSquare([
          [1, 2],
          [2, 4],
        ]),
      ),
    ).toEqual({ sign: 0, logAbsDet: -Infinity });
    expect(
      choleskyLogDet(
        toSquare([
          [1, 2],
          [2, 1],
        ]),
      ),
    ).toBeNull();
    expect(
      slogdet(
        toSquare([
          [NaN, 0],
          [0, 1],
        ]),
      ).logAbsDet,
    ).toBeNaN();
  });

  it('slogdet of a 4x4 against the product of a triangular factorisation built by hand', () => {
    // A = L U with L unit lower, U upper (diag 2, -3, 0.5, 4): det = 2 * -3 * 0.5 * 4 = -12.
    const L = [
      [1, 0, 0, 0],
      [0.5, 1, 0, 0],
      [-1, 2, 1, 0],
      [3, 0.25, -2, 1],
    ];
    const U = [
      [2, 1, -1, 3],
      [0, -3, 2, 1],
      [0, 0, 0.5, -1],
      [0, 0, 0, 4],
    ];
    const A = L.map((row) => U[0]!.map((_, j) => row.reduce((s, l, k) => s + l * U[k]![j]!, 0)));
    const r = slogdet(toSquare(A));
    expect(r.sign).toBe(-1);
    expect(r.logAbsDet).toBeCloseTo(Math.log(12), 11);
  });

  it('Jacobi eigenvalues of small symmetric matrices', () => {
    expect(
      [
        ...symmetricEigenvalues(
          toSquare([
            [2, 1],
            [1, 2],
          ]),
        ),
      ].map((v) => +v.toFixed(12)),
    ).toEqual([1, 3]);
    const e = symmetricEigenvalues(
      toSquare([
        [2, -1, 0],
        [-1, 2, -1],
        [0, -1, 2],
      ]),
    );
    expect(e[0]).toBeCloseTo(2 - Math.SQRT2, 12);
    expect(e[1]).toBeCloseTo(2, 12);
    expect(e[2]).toBeCloseTo(2 + Math.SQRT2, 12);
  });

  it('Jacobi eigenvalues of a rotated diagonal matrix Q D Q^T are D', () => {
    // Householder Q = I - 2 v v^T / (v^T v) is orthogonal and symmetric.
    const v = [1, -2, 0.5, 3, 1];
    const vv = v.reduce((s, x) => s + x * x, 0);
    const n = v.length;
    const Q = v.map((vi, i) => v.map((vj, j) => (i === j ? 1 : 0) - (2 * vi * vj) / vv));
    const D = [-4, 0, 1e-5, 2, 7];
    const A = Q.map((_, i) => Q.map((__, j) => D.reduce((s, d, k) => s + Q[i]![k]! * d * Q[j]![k]!, 0)));
    const e = symmetricEigenvalues(toSquare(A));
    for (let k = 0; k < n; k++) expect(e[k]).toBeCloseTo(D[k]!, 10);
  });

  it('corrcoef of rows as numpy.corrcoef', () => {
    const c = corrcoefRows([
      [1, 2, 3],
      [3, 2, 1],
      [1, 2, 4],
    ]);
    expect(c[0]).toBeCloseTo(1, 14);
    expect(c[1]).toBeCloseTo(-1, 14);
    // corr([1,2,3],[1,2,4]) = 3 / sqrt(2 * 4.666...) = 0.98198050606...
    expect(c[2]).toBeCloseTo(0.9819805060619657, 12);
    expect(c[6]).toBeCloseTo(0.9819805060619657, 12);
    expect(
      corrcoefRows([
        [1, 1, 1],
        [1, 2, 3],
      ])[1],
    ).toBeNaN();
  });
});

describe('stats', () => {
  it('average ranks with ties', () => {
    expect(averageRanks([10, 20, 20, 5, 20])).toEqual([2, 4, 4, 1, 4]);
    expect(averageRanks([-Infinity, 0, Infinity])).toEqual([1, 2, 3]);
  });

  it('Spearman with ties (hand value 4.5 / sqrt(22.5))', () => {
    expect(spearman([1, 2, 2, 3], [1, 3, 2, 4])).toBeCloseTo(4.5 / Math.sqrt(22.5), 14);
  });

  it('Spearman and Kendall tau-b match the scipy documentation examples', () => {
    // scipy.stats.spearmanr([1,2,3,4,5], [5,6,7,8,7]) -> 0.8207826816681233
    expect(spearman([1, 2, 3, 4, 5], [5, 6, 7, 8, 7])).toBeCloseTo(0.8207826816681233, 12);
    // scipy.stats.kendalltau([12,2,1,12,2], [1,4,7,1,0]) -> -0.47140452079103173
    expect(kendallTauB([12, 2, 1, 12, 2], [1, 4, 7, 1, 0])).toBeCloseTo(-0.47140452079103173, 12);
  });

  it('Kendall tau-b with one tie in x (5 / sqrt(30))', () => {
    expect(kendallTauB([1, 2, 2, 3], [1, 3, 2, 4])).toBeCloseTo(5 / Math.sqrt(30), 14);
  });

  it('Pearson of a line is 1; constant input gives NaN', () => {
    expect(pearson([1, 2, 3], [2, 4, 6])).toBeCloseTo(1, 14);
    expect(spearman([1, 1, 1], [1, 2, 3])).toBeNaN();
  });

  it('finitePairs drops NaN and null but keeps infinities', () => {
    expect(finitePairs([1, NaN, -Infinity, null, 3], [1, 2, 3, 4, NaN])).toEqual({
      x: [1, -Infinity],
      y: [1, 3],
      dropped: 3,
    });
  });
});
