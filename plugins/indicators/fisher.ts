/**
 * fisher (Theis et al. 2018, Turner et al. 2020; zero-cost-nas `fisher`): for the output activation a of
 * every conv/depthwise/linear layer (the layer's own output, bias included, before any batchnorm or ReLU:
 * the reference hooks an identity placed right after each nn.Conv2d / nn.Linear) and g = dL/da,
 *   per channel k: 0.5 * mean over the batch of (sum over space of a * g)_k^2,
 * summed over channels and layers. As the reference (`bn=False`), batchnorm is bypassed by default; the
 * loss is the task loss on one labelled batch. Activations and their gradients come from the engine's
 * taps and zero-valued probes on those nodes.
 */
import { z } from 'zod';
import { tf } from '../../core/engine/tf.js';
import type { Indicator } from '../../core/contracts/indicator.js';
import { WEIGHTED_LAYERS, disposeGradients, perItem, requireBatch, sum } from './common.js';
import { labelledGradients } from './loss.js';

const optionsSchema = z.object({
  batchnorm: z
    .enum(['bypass', 'batch'])
    .default('bypass')
    .describe('bypass: no batchnorm, as the zero-cost-nas reference; batch: batchnorm on batch statistics'),
});
type FisherOptions = z.infer<typeof optionsSchema>;

export const fisher: Indicator<FisherOptions> = {
  kind: 'indicator',
  id: 'fisher',
  description: 'sum over conv/linear output channels of 0.5 * mean_batch (sum_space a * dL/da)^2 (Fisher, zero-cost-nas)',
  needs: { data: true, labels: true, backward: true, batchSize: 64 },
  optionsSchema,
  score(ctx, options) {
    const batch = requireBatch(ctx, 'fisher');
    const layers = ctx.ir.nodes.filter((n) => WEIGHTED_LAYERS.has(n.op)).map((n) => n.id);
    const g = labelledGradients(ctx.net, batch, [], {
      bypassBatchNorm: (options?.batchnorm ?? 'bypass') === 'bypass',
      taps: layers,
      wrtProbes: layers,
    });
    try {
      const per = perItem(layers, (id) => {
        const a = g.taps[id]!;
        const da = g.probes[id]!;
        // [N, H, W, C] -> per example and channel; dense outputs are already [N, units].
        const prod = tf.mul(a, da);
        const perChannel = prod.rank > 2 ? tf.sum(prod, [1, 2]) : prod;
        return tf.sum(tf.mul(tf.mean(tf.square(perChannel), 0), 0.5)) as tf.Scalar;
      });
      return { score: sum(per), details: { layers: layers.length, loss: g.value } };
    } finally {
      disposeGradients(g);
    }
  },
};
