/**
 * grad_norm (Abdelfattah et al. 2021, zero-cost-nas `grad_norm`): the sum over conv/linear layers of the
 * Frobenius norm of dL/dW, for the task loss on one labelled batch, batchnorm on batch statistics (the
 * reference runs the network in train mode).
 */
import type { Indicator, tf } from '../../core/index.js';
import { disposeGradients, layerWeights, perItem, requireBatch, sum } from './common.js';
import { labelledGradients } from './loss.js';

export const gradNorm: Indicator = {
  kind: 'indicator',
  id: 'grad_norm',
  description: 'sum over conv/linear layers of ||dL/dW||_F on one labelled batch (zero-cost-nas)',
  needs: { data: true, labels: true, backward: true, batchSize: 64 },
  score(ctx) {
    const batch = requireBatch(ctx, 'grad_norm');
    const weights = layerWeights(ctx.net).map((p) => p.name);
    const { tf } = ctx.engine;
    const g = labelledGradients(ctx.engine, ctx.net, batch, weights);
    try {
      const norms = perItem(
        tf,
        weights.map((n) => g.params.get(n)!),
        (t) => tf.norm(t) as tf.Scalar,
      );
      return { score: sum(norms), details: { layers: weights.length, loss: g.value } };
    } finally {
      disposeGradients(g);
    }
  },
};
