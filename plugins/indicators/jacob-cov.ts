/**
 * jacob_cov as the paper writes it (Eq. 3-4; NASWOT, Mellor et al. 2021): every ReLU gives each example a
 * binary code (which of its units are active, input > 0 <=> output > 0); over all ReLU units,
 *   K_H[i, j] = N_A - d_H(c_i, c_j)  (the number of units on which examples i and j agree),
 * and the score is log|K_H| (natural log, as numpy.linalg.slogdet in the reference), computed in float64
 * JavaScript by LU with partial pivoting. Two examples with the same code make K_H singular: the score is
 * -Infinity (recorded non-finite; details.duplicateCodes counts such pairs). Batchnorm runs on batch
 * statistics (the reference's train mode); labels are not used.
 *
 * K_H is accumulated ReLU by ReLU inside the forward pass (an afterNode hook), so no activation is kept.
 * Two ways, same integers:
 * - bits (default on CPU backends): each example's code is packed into 32-bit words in JavaScript and
 *   K_ij += D - popcount(c_i XOR c_j); N^2/2 * D/32 word operations, far cheaper than a matmul on wasm.
 * - matmul (default on the `tensorflow` backend, where reading activations back costs more than a GPU
 *   product): with x the 0/1 code matrix [N, D], K += D - r_i - r_j + 2 (x x^T)_ij, r = row sums; counts
 *   stay below 2^24, so the float32 products are exact.
 */
import { slogdet, type Indicator, type TensorApi, type tf, z } from '../../core/index.js';
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

const optionsSchema = z.object({
  method: z
    .enum(['auto', 'bits', 'matmul'])
    .default('auto')
    .describe(
      'how K_H is counted: bits (packed codes in JS), matmul (0/1 Gram matrix on the backend), auto (matmul on tensorflow, bits otherwise)',
    ),
});
type JacobCovOptions = z.infer<typeof optionsSchema>;

/** Number of set bits of a 32-bit integer. */
function popcount(v: number): number {
  v -= (v >>> 1) & 0x55555555;
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/**
 * Pack each example's code (value > 0) into 32-bit words: [n, ceil(d / 32)], unit u of row i at bit u % 32 of
 * word u / 32. Branch-free on the float's bits: v > 0 <=> its int32 pattern lies in [1, 0x7f800000] (positive,
 * not zero, not NaN; -0 and negatives have the sign bit set), i.e. both 0x7f800000 - b and b - 1 are >= 0.
 */
function packCodes(active: Float32Array, n: number, d: number): Int32Array {
  const pattern = new Int32Array(active.buffer, active.byteOffset, active.length);
  const words = Math.ceil(d / 32);
  const bits = new Int32Array(n * words);
  for (let i = 0; i < n; i++) {
    const row = i * words;
    for (let w = 0; w < words; w++) {
      const u = i * d + w * 32;
      const count = Math.min(32, d - w * 32);
      let word = 0;
      for (let b = 0; b < count; b++) {
        const v = pattern[u + b]!;
        word |= ((((0x7f800000 - v) | (v - 1)) >>> 31) ^ 1) << b;
      }
      bits[row + w] = word;
    }
  }
  return bits;
}

/** Number of differing bits between words [a, a + words) and [b, b + words) of `bits`. */
function hamming(bits: Int32Array, a: number, b: number, words: number): number {
  let differ = 0;
  let w = 0;
  // Three words at a time: their 2-bit counts summed per nibble (<= 12) before the byte fold.
  for (; w + 3 <= words; w += 3) {
    let x = bits[a + w]! ^ bits[b + w]!;
    let y = bits[a + w + 1]! ^ bits[b + w + 1]!;
    let z = bits[a + w + 2]! ^ bits[b + w + 2]!;
    x -= (x >>> 1) & 0x55555555;
    y -= (y >>> 1) & 0x55555555;
    z -= (z >>> 1) & 0x55555555;
    x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
    y = (y & 0x33333333) + ((y >>> 2) & 0x33333333);
    z = (z & 0x33333333) + ((z >>> 2) & 0x33333333);
    let s = x + y + z;
    s = (s & 0x0f0f0f0f) + ((s >>> 4) & 0x0f0f0f0f);
    differ += Math.imul(s, 0x01010101) >>> 24;
  }
  for (; w < words; w++) differ += popcount(bits[a + w]! ^ bits[b + w]!);
  return differ;
}

/** K[i][j] += number of the d units on which examples i and j agree; `active` is [n, d] row-major. */
export function addAgreementsBits(k: Float64Array, active: ArrayLike<number>, n: number, d: number): void {
  const words = Math.ceil(d / 32);
  const bits = packCodes(active instanceof Float32Array ? active : Float32Array.from(active), n, d);
  for (let i = 0; i < n; i++) {
    k[i * n + i]! += d;
    for (let j = i + 1; j < n; j++) {
      const agree = d - hamming(bits, i * words, j * words, words);
      k[i * n + j]! += agree;
      k[j * n + i]! += agree;
    }
  }
}

/** Same as addAgreementsBits through a 0/1 Gram matrix on the backend: D - r_i - r_j + 2 (x x^T)_ij. */
function addAgreementsMatmul(tf: TensorApi, k: Float64Array, output: tf.Tensor, n: number, d: number): void {
  const [gram, rows] = tf.tidy(() => {
    const codes = tf.cast(tf.greater(tf.reshape(output, [n, d]), 0), 'float32');
    return [tf.matMul(codes, codes, false, true), tf.sum(codes, 1)];
  });
  const a = gram.dataSync();
  const r = rows.dataSync();
  tf.dispose([gram, rows]);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) k[i * n + j]! += d - r[i]! - r[j]! + 2 * a[i * n + j]!;
}

export const jacobCov: Indicator<JacobCovOptions> = {
  kind: 'indicator',
  id: 'jacob_cov',
  description: 'log|K_H| of the ReLU binary-code kernel over one batch (paper Eq. 3-4, NASWOT)',
  needs: { data: true, labels: false, backward: false, batchSize: 64 },
  optionsSchema,
  score(ctx, options) {
    const batch = requireBatch(ctx, 'jacob_cov');
    const method = options?.method ?? 'auto';
    const { engine } = ctx;
    const { tf } = engine;
    const useMatmul = method === 'matmul' || (method === 'auto' && tf.getBackend() === 'tensorflow');
    const n = batch.shape[0];
    const k = new Float64Array(n * n);
    let units = 0;
    let relus = 0;
    const { x, dispose } = engine.batchTensors(batch);
    try {
      const result = ctx.net.forward(x, {
        training: true,
        updateStats: false,
        hooks: {
          afterNode(node, output) {
            if (node.op !== 'relu') return output;
            const d = output.size / n;
            if (useMatmul) addAgreementsMatmul(tf, k, output, n, d);
            else engine.withHostValues(output, (values) => addAgreementsBits(k, values, n, d));
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
    return { score, details: { relus, units, duplicateCodes, method: useMatmul ? 'matmul' : 'bits' } };
  },
};
