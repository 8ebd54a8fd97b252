/**
 * snip (Lee et al. 2019; zero-cost-nas `snip`): sum over conv/linear weights of |W * dL/dW| for the task
 * loss on one labelled batch (batchnorm on batch statistics, as the reference's train mode).
 */
import type { Indicator, tf } from '../../core/index.js';
import { disposeGradients, layerWeights, perItem, requireBatch, sum } from './common.js';
import { labelledGradients } from './loss.js';

export const snip: Indicator = {
  kind: 'indicator',
  id: 'snip',
  description: 'sum of |W * dL/dW| over conv/linear weights on one labelled batch (SNIP, zero-cost-nas)',
  needs: { data: true, labels: true, backward: true, batchSize: 64 },
  score(ctx) {
    const batch = requireBatch(ctx, 'snip');
    const weights = layerWeights(ctx.net).map((p) => p.name);
    const { tf } = ctx.engine;
    const g = labelledGradients(ctx.engine, ctx.net, batch, weights);
    try {
      const saliency = perItem(
        tf,
        weights,
        (n) => tf.sum(tf.abs(tf.mul(ctx.net.params.get(n)!, g.params.get(n)!))) as tf.Scalar,
      );
      return { score: sum(saliency), details: { layers: weights.length, loss: g.value } };
    } finally {
      disposeGradients(g);
    }
  },
};
