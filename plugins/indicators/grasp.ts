/**
 * grasp (Wang et al. 2020; zero-cost-nas `grasp`): sum over conv/linear weights of -W * (H g), where
 * g = dL/dW on one labelled batch and H the Hessian of the loss w.r.t. those weights (batchnorm on batch
 * statistics, the reference's train mode).
 *
 * tfjs has no second derivative of convolutions (engine-notes trap 2), so H g is the engine's central
 * finite difference of gradients along g (core/engine/ops.ts hessianVectorProduct):
 *   H g ~ (grad(W + eps g) - grad(W - eps g)) / (2 eps),   eps = relEps * ||W|| / ||g||
 * (norms over all scored weights together), so the step moves the weights by relEps of their norm whatever
 * the gradient's scale. relEps = 1e-3 by default: truncation error O(relEps^2), float32 rounding of the
 * gradient difference about 1e-7 / relEps of |H g|: both near 1e-4 relative. g = 0 gives score 0.
 */
import { z } from 'zod';
import { tf } from '../../core/engine/tf.js';
import { hessianVectorProduct } from '../../core/engine/ops.js';
import type { Indicator } from '../../core/contracts/indicator.js';
import { disposeGradients, layerWeights, perItem, requireBatch, sum } from './common.js';
import { withLabelledBatch } from './loss.js';

const optionsSchema = z.object({
  relEps: z.number().positive().max(0.1).default(1e-3).describe('finite-difference step as a fraction of ||W|| (eps = relEps ||W|| / ||g||)'),
});
type GraspOptions = z.infer<typeof optionsSchema>;

const squaredNorm = (ts: readonly tf.Tensor[]): number => sum(perItem(ts, (t) => tf.sum(tf.square(t)) as tf.Scalar));

export const grasp: Indicator<GraspOptions> = {
  kind: 'indicator',
  id: 'grasp',
  description: 'sum of -W * (H g) over conv/linear weights, H g by central finite differences (GraSP, zero-cost-nas)',
  needs: { data: true, labels: true, backward: true, batchSize: 64 },
  optionsSchema,
  score(ctx, options) {
    const relEps = options?.relEps ?? 1e-3;
    const batch = requireBatch(ctx, 'grasp');
    const net = ctx.net;
    const names = layerWeights(net).map((p) => p.name);
    const w = names.map((n) => net.params.get(n)! as tf.Tensor);
    return withLabelledBatch(batch, (x, loss) => {
      const g = net.gradients(loss, x, { training: true, updateStats: false, wrtParams: names });
      let hg: Map<string, tf.Tensor> | undefined;
      try {
        const grads = names.map((n) => g.params.get(n)!);
        const gSq = squaredNorm(grads);
        if (gSq === 0) return { score: 0, details: { eps: 0, gradNorm: 0, loss: g.value } };
        const eps = (relEps * Math.sqrt(squaredNorm(w))) / Math.sqrt(gSq);
        hg = hessianVectorProduct(net, loss, x, g.params, { training: true, eps });
        const h = hg;
        const per = perItem(names.map((n, i) => [n, i] as const), ([n, i]) => tf.neg(tf.sum(tf.mul(w[i]!, h.get(n)!))) as tf.Scalar);
        return { score: sum(per), details: { eps, relEps, gradNorm: Math.sqrt(gSq), loss: g.value } };
      } finally {
        disposeGradients(g);
        if (hg) tf.dispose([...hg.values()]);
      }
    });
  },
};
