/**
 * Small dense linear algebra in float64 JavaScript, for the matrices the indicators produce (batch x batch,
 * 64x64 by default). tfjs has no log-determinant or eigen-solver, and float32 would lose the precision that
 * log|K| needs. Matrices are row-major Float64Array of n*n values.
 */

export type SquareMatrix = Float64Array;

/** Copy of rows (number[][] or Float64Array[]) as a row-major n*n Float64Array; throws if not square. */
export function toSquare(rows: ArrayLike<ArrayLike<number>>): SquareMatrix {
  const n = rows.length;
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const row = rows[i]!;
    if (row.length !== n) throw new Error(`toSquare: row ${i} has ${row.length} values, expected ${n}`);
    for (let j = 0; j < n; j++) out[i * n + j] = row[j]!;
  }
  return out;
}

function sideOf(a: SquareMatrix): number {
  const n = Math.round(Math.sqrt(a.length));
  if (n * n !== a.length) throw new Error(`expected a square matrix, got ${a.length} values`);
  return n;
}

export interface SignedLogDet {
  /** +1, -1, or 0 when the matrix is singular. */
  sign: number;
  /** ln|det A|; -Infinity when singular. */
  logAbsDet: number;
}

/**
 * sign and ln|det A| by LU decomposition with partial pivoting (as numpy.linalg.slogdet). Works for any
 * square matrix, including the semi-definite ones NASWOT produces. A pivot that is exactly 0 (or NaN) means
 * singular: { sign: 0, logAbsDet: -Infinity } (NaN input gives NaN).
 */
export function slogdet(a: SquareMatrix): SignedLogDet {
  const n = sideOf(a);
  const m = Float64Array.from(a);
  let sign = 1;
  let logAbsDet = 0;
  for (let k = 0; k < n; k++) {
    // Partial pivoting: the largest |value| in column k at or below the diagonal.
    let p = k;
    let best = Math.abs(m[k * n + k]!);
    for (let i = k + 1; i < n; i++) {
      const v = Math.abs(m[i * n + k]!);
      if (v > best) {
        best = v;
        p = i;
      }
    }
    if (Number.isNaN(best)) return { sign: NaN, logAbsDet: NaN };
    if (best === 0) return { sign: 0, logAbsDet: -Infinity };
    if (p !== k) {
      for (let j = 0; j < n; j++) {
        const t = m[k * n + j]!;
        m[k * n + j] = m[p * n + j]!;
        m[p * n + j] = t;
      }
      sign = -sign;
    }
    const pivot = m[k * n + k]!;
    if (pivot < 0) sign = -sign;
    logAbsDet += Math.log(Math.abs(pivot));
    for (let i = k + 1; i < n; i++) {
      const f = m[i * n + k]! / pivot;
      if (f === 0) continue;
      for (let j = k + 1; j < n; j++) m[i * n + j]! -= f * m[k * n + j]!;
      m[i * n + k] = 0;
    }
  }
  return { sign, logAbsDet };
}

/**
 * ln det A of a symmetric positive-definite matrix by Cholesky (A = L L^T, ln det = 2 sum ln L_ii).
 * Returns null when A is not positive definite (a non-positive pivot), so callers can fall back to slogdet.
 */
export function choleskyLogDet(a: SquareMatrix): number | null {
  const n = sideOf(a);
  const l = new Float64Array(n * n);
  let logDet = 0;
  for (let j = 0; j < n; j++) {
    let d = a[j * n + j]!;
    for (let k = 0; k < j; k++) d -= l[j * n + k]! * l[j * n + k]!;
    if (!(d > 0)) return null;
    const ljj = Math.sqrt(d);
    l[j * n + j] = ljj;
    logDet += 2 * Math.log(ljj);
    for (let i = j + 1; i < n; i++) {
      let s = a[i * n + j]!;
      for (let k = 0; k < j; k++) s -= l[i * n + k]! * l[j * n + k]!;
      l[i * n + j] = s / ljj;
    }
  }
  return logDet;
}

/**
 * Eigenvalues of a symmetric matrix by the cyclic Jacobi method (rotations that zero each off-diagonal
 * entry in turn, until the off-diagonal mass is negligible). Ascending order. O(n^3) per sweep; a 64x64
 * matrix converges in well under 10 sweeps. Only the upper triangle's symmetry is assumed, not checked
 * beyond using (A + A^T) / 2. NaN anywhere gives all-NaN eigenvalues.
 */
export function symmetricEigenvalues(a: SquareMatrix, opts: { maxSweeps?: number; tol?: number } = {}): Float64Array {
  const n = sideOf(a);
  const maxSweeps = opts.maxSweeps ?? 100;
  const tol = opts.tol ?? 1e-14;
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) m[i * n + j] = 0.5 * (a[i * n + j]! + a[j * n + i]!);
  if (m.some((v) => Number.isNaN(v))) return new Float64Array(n).fill(NaN);

  let total = 0;
  for (let i = 0; i < n * n; i++) total += m[i]! * m[i]!;
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let off = 0;
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) off += m[i * n + j]! * m[i * n + j]!;
    if (off <= tol * tol * total || off === 0) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = m[p * n + q]!;
        if (apq === 0) continue;
        const app = m[p * n + p]!;
        const aqq = m[q * n + q]!;
        // Rotation angle that zeros m[p][q] (Golub & Van Loan, sym.schur2).
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const mkp = m[k * n + p]!;
          const mkq = m[k * n + q]!;
          m[k * n + p] = c * mkp - s * mkq;
          m[k * n + q] = s * mkp + c * mkq;
        }
        for (let k = 0; k < n; k++) {
          const mpk = m[p * n + k]!;
          const mqk = m[q * n + k]!;
          m[p * n + k] = c * mpk - s * mqk;
          m[q * n + k] = s * mpk + c * mqk;
        }
        m[p * n + q] = 0;
        m[q * n + p] = 0;
      }
    }
  }
  const eig = new Float64Array(n);
  for (let i = 0; i < n; i++) eig[i] = m[i * n + i]!;
  return eig.sort();
}

/**
 * Pearson correlation matrix of the rows (as numpy.corrcoef(rows)): n rows of d values each -> n x n.
 * A row with zero variance gives NaN in its row and column (numpy does the same).
 */
export function corrcoefRows(rows: readonly ArrayLike<number>[]): SquareMatrix {
  const n = rows.length;
  const d = n > 0 ? rows[0]!.length : 0;
  const centred: Float64Array[] = rows.map((r) => {
    if (r.length !== d) throw new Error('corrcoefRows: rows of different lengths');
    let mean = 0;
    for (let k = 0; k < d; k++) mean += r[k]!;
    mean /= d;
    const c = new Float64Array(d);
    for (let k = 0; k < d; k++) c[k] = r[k]! - mean;
    return c;
  });
  const cov = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      const a = centred[i]!;
      const b = centred[j]!;
      let s = 0;
      for (let k = 0; k < d; k++) s += a[k]! * b[k]!;
      cov[i * n + j] = s;
      cov[j * n + i] = s;
    }
  }
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const r = cov[i * n + j]! / Math.sqrt(cov[i * n + i]! * cov[j * n + j]!);
      // Clip rounding excursions past +-1, as numpy does.
      out[i * n + j] = Number.isNaN(r) ? NaN : Math.max(-1, Math.min(1, r));
    }
  }
  return out;
}
