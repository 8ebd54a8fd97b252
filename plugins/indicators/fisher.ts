/**
 * fisher (Theis et al. 2018, Turner et al. 2020; zero-cost-nas `fisher`,
 * `@measure('fisher', bn=True, mode='channel')` with `net.train()`): for the output activation a of every
 * conv/depthwise/linear layer (the layer's own output, bias included, before any batchnorm or ReLU: the
 * reference hooks an identity placed right after each nn.Conv2d / nn.Linear) and g = dL/da on one labelled
 * batch, network in train mode (batchnorm on batch statistics, running statistics never written back):
 *   per output channel k: F_k = 0.5 * mean over the batch of (sum over space of a * g)_k^2,
 * and the score is sum over layers and channels of fanIn * F_k: the reference broadcasts each channel's
 * value over the layer's weight.shape[1:] (`reshape_elements`) before summing every element, i.e. multiplies
 * it by C_in * kh * kw for a conv, kh * kw for a depthwise conv (groups = C), in_features for a linear layer.
 * Activations and their gradients come from the engine's taps and zero-valued probes on those nodes.
 */
import type { Indicator, ParamInfo, tf } from '../../core/index.js';
import { WEIGHTED_LAYERS, disposeGradients, perItem, requireBatch, sum } from './common.js';
import { labelledGradients } from './loss.js';

/** Elements of one output channel's slice of the weight = PyTorch's prod(weight.shape[1:]). */
function fanIn(p: ParamInfo): number {
  const s = p.shape;
  if (p.layer === 'dense') return s[0]!; // tfjs [in, out]
  if (p.layer === 'depthwise') return s[0]! * s[1]!; // tfjs [kh, kw, C, M]; PyTorch [C*M, 1, kh, kw]
  return s[0]! * s[1]! * s[2]!; // conv: tfjs [kh, kw, Ci, Co]; PyTorch [Co, Ci, kh, kw]
}

export const fisher: Indicator = {
  kind: 'indicator',
  id: 'fisher',
  description:
    'sum over conv/linear output channels of fan-in x 0.5 * mean_batch (sum_space a * dL/da)^2, train-mode batchnorm (Fisher, zero-cost-nas)',
  needs: { data: true, labels: true, backward: true, batchSize: 64 },
  score(ctx) {
    const batch = requireBatch(ctx, 'fisher');
    const layers = ctx.ir.nodes.filter((n) => WEIGHTED_LAYERS.has(n.op)).map((n) => n.id);
    const weights = new Map(ctx.net.paramInfo.filter((p) => p.role === 'weight').map((p) => [p.node, p]));
    const { tf } = ctx.engine;
    const g = labelledGradients(ctx.engine, ctx.net, batch, [], { taps: layers, wrtProbes: layers });
    try {
      const per = perItem(tf, layers, (id) => {
        const a = g.taps[id]!;
        const da = g.probes[id]!;
        // [N, H, W, C] -> per example and channel; dense outputs are already [N, units].
        const prod = tf.mul(a, da);
        const perChannel = prod.rank > 2 ? tf.sum(prod, [1, 2]) : prod;
        const channels = tf.mul(tf.mean(tf.square(perChannel), 0), 0.5);
        return tf.mul(tf.sum(channels), fanIn(weights.get(id)!)) as tf.Scalar;
      });
      return { score: sum(per), details: { layers: layers.length, loss: g.value } };
    } finally {
      disposeGradients(g);
    }
  },
};
