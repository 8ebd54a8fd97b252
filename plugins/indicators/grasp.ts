/**
 * grasp (Wang et al. 2020; zero-cost-nas `grasp`, `@measure('grasp', bn=True, mode='param')`): sum over
 * conv/depthwise/linear weights of -W * (H g), where g = dL/dW on one labelled batch (held constant) and
 * H g the exact Hessian-vector product w.r.t. those weights (biases and batchnorm parameters fixed), as
 * the reference computes it: (sum g * autograd.grad(L, W, create_graph=True)).backward(). Network in train
 * mode (batchnorm on batch statistics, running statistics never written back); ReLU masks and max-pool
 * positions are constants of the second derivative, as in PyTorch's autograd.
 *
 * H g comes from plugins/engine-tfjs/second-order.ts (double backpropagation through the engine's own kernels):
 * exact up to float32 rounding (tested against a float64 PyTorch double backward). g and H g come from
 * one forward/backward pass and one second-order pass (the reference runs the first pass twice; same
 * weights, same batch, same numbers).
 */
import type { Indicator, tf } from '../../core/index.js';
import { layerWeights, perItem, requireBatch, sum } from './common.js';
import { withLabelledBatch } from './loss.js';

export const grasp: Indicator = {
  kind: 'indicator',
  id: 'grasp',
  description: 'sum of -W * (H g) over conv/linear weights, exact Hessian-vector product (GraSP, zero-cost-nas)',
  needs: { data: true, labels: true, backward: true, secondOrder: true, batchSize: 64 },
  score(ctx) {
    const batch = requireBatch(ctx, 'grasp');
    const net = ctx.net;
    const { engine } = ctx;
    const { tf } = engine;
    const names = layerWeights(net).map((p) => p.name);
    const w = names.map((n) => net.params.get(n)! as tf.Tensor);
    return withLabelledBatch(
      engine,
      batch,
      (x, loss) => {
        const { g, hg, loss: value } = engine.gradientAndHessianGradient(net, loss, x, names, { training: true });
        try {
          const per = perItem(
            tf,
            names.map((n, i) => [n, i] as const),
            ([n, i]) => tf.neg(tf.sum(tf.mul(w[i]!, hg.get(n)!))) as tf.Scalar,
          );
          return { score: sum(per), details: { loss: value } };
        } finally {
          tf.dispose([...g.values(), ...hg.values()]);
        }
      },
      { twice: true },
    );
  },
};
