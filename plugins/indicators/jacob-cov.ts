/**
 * jacob_cov as the paper writes it (Eq. 3-4; NASWOT, Mellor et al. 2021): every ReLU gives each example a
 * binary code (which of its units are active, input > 0 <=> output > 0); over all ReLU units,
 *   K_H[i, j] = N_A - d_H(c_i, c_j)  (the number of units on which examples i and j agree),
 * and the score is log|K_H| (natural log, as numpy.linalg.slogdet in the reference), computed in float64
 * JavaScript by LU with partial pivoting. Two examples with the same code make K_H singular: the score is
 * -Infinity (recorded non-finite; details.duplicateCodes counts such pairs). Batchnorm runs on batch
 * statistics (the reference's train mode); labels are not used.
 *
 * K_H is accumulated ReLU by ReLU inside the forward pass (an afterNode hook), so no activation is kept:
 * with x the 0/1 code matrix [N, D] of one ReLU, K += D - r_i - r_j + 2 (x x^T)_ij, r = row sums of x.
 * Counts stay below 2^24, so the float32 products are exact.
 */
import { tf } from '../../core/engine/tf.js';
import { batchToTensors } from '../../core/engine/batch.js';
import type { Indicator } from '../../core/contracts/indicator.js';
import { slogdet } from '../../core/util/linalg.js';
import { requireBatch } from './common.js';

/** K_H of a set of 0/1 codes given as rows (the reference, for tests and callers with codes at hand). */
export function hammingKernel(codes: readonly ArrayLike<number>[]): Float64Array {
  const n = codes.length;
  const k = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let agree = 0;
      const a = codes[i]!;
      const b = codes[j]!;
      for (let u = 0; u < a.length; u++) if (a[u] === b[u]) agree++;
      k[i * n + j] = agree;
    }
  }
  return k;
}

/** log|K_H| with the duplicate-code check: -Infinity when two rows agree everywhere (K_ij = K_ii). */
export function naswotScore(k: Float64Array, units: number): { score: number; duplicateCodes: number } {
  const n = Math.round(Math.sqrt(k.length));
  let duplicateCodes = 0;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) if (k[i * n + j] === units) duplicateCodes++;
  if (duplicateCodes > 0) return { score: -Infinity, duplicateCodes };
  return { score: slogdet(k).logAbsDet, duplicateCodes };
}

export const jacobCov: Indicator = {
  kind: 'indicator',
  id: 'jacob_cov',
  description: 'log|K_H| of the ReLU binary-code kernel over one batch (paper Eq. 3-4, NASWOT)',
  needs: { data: true, labels: false, backward: false, batchSize: 64 },
  score(ctx) {
    const batch = requireBatch(ctx, 'jacob_cov');
    const n = batch.shape[0];
    const k = new Float64Array(n * n);
    let units = 0;
    let relus = 0;
    const { x, dispose } = batchToTensors(batch);
    try {
      const result = ctx.net.forward(x, {
        training: true,
        updateStats: false,
        hooks: {
          afterNode(node, output) {
            if (node.op !== 'relu') return output;
            const d = output.size / n;
            const [gram, rows] = tf.tidy(() => {
              const codes = tf.cast(tf.greater(tf.reshape(output, [n, d]), 0), 'float32');
              return [tf.matMul(codes, codes, false, true), tf.sum(codes, 1)];
            });
            const a = gram.dataSync();
            const r = rows.dataSync();
            tf.dispose([gram, rows]);
            for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) k[i * n + j]! += d - r[i]! - r[j]! + 2 * a[i * n + j]!;
            units += d;
            relus++;
            return output;
          },
        },
      });
      tf.dispose([result.output, ...Object.values(result.taps)]);
    } finally {
      dispose();
    }
    if (relus === 0) return { score: NaN, details: { relus, reason: 'the network has no ReLU' } };
    const { score, duplicateCodes } = naswotScore(k, units);
    return { score, details: { relus, units, duplicateCodes } };
  },
};
