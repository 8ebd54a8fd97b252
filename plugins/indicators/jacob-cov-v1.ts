/**
 * jacob_cov_v1 (zero-cost-nas `jacob_cov`, from the first NASWOT preprint): J = d(sum of outputs)/d(input)
 * for each example of one batch, flattened to one row per example; C = corrcoef of the rows (N x N);
 * score = -sum over C's eigenvalues v of (ln(v + k) + 1 / (v + k)), k = 1e-5. Eigenvalues by the Jacobi
 * method in float64 (C is symmetric; the reference calls numpy.linalg.eig). Batchnorm on batch statistics
 * (the reference's train mode); labels are not used. A constant Jacobian row gives NaN (as numpy).
 */
import { corrcoefRows, symmetricEigenvalues, type Indicator } from '../../core/index.js';
import { disposeGradients, requireBatch } from './common.js';

const K = 1e-5;

/** -sum(ln(v + k) + 1/(v + k)) over the eigenvalues of the correlation matrix of the rows. */
export function jacobianCorrelationScore(rows: readonly ArrayLike<number>[]): number {
  const eig = symmetricEigenvalues(corrcoefRows(rows));
  let s = 0;
  for (const v of eig) s += Math.log(v + K) + 1 / (v + K);
  return -s;
}

export const jacobCovV1: Indicator = {
  kind: 'indicator',
  id: 'jacob_cov_v1',
  description:
    'Jacobian correlation score -sum(ln(v+k) + 1/(v+k)) over eigenvalues of corrcoef(dy/dx) (zero-cost-nas jacob_cov)',
  needs: { data: true, labels: false, backward: true, batchSize: 64 },
  score(ctx) {
    const batch = requireBatch(ctx, 'jacob_cov_v1');
    const n = batch.shape[0];
    const { tf } = ctx.engine;
    const { x, dispose } = ctx.engine.batchTensors(batch);
    try {
      const g = ctx.net.gradients((out) => tf.sum(out.output), x, {
        training: true,
        updateStats: false,
        wrtParams: [],
        wrtInput: true,
      });
      let flat: Float32Array;
      try {
        flat = g.input!.dataSync() as Float32Array;
      } finally {
        disposeGradients(g);
      }
      const d = flat.length / n;
      const rows = Array.from({ length: n }, (_, i) => flat.subarray(i * d, (i + 1) * d));
      return { score: jacobianCorrelationScore(rows), details: { examples: n, inputSize: d } };
    } finally {
      dispose();
    }
  },
};
