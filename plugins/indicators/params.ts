/**
 * params: number of parameters (conv/dense weights and biases, batchnorm gamma/beta; as PyTorch counts
 * nn.Parameters and NAS-Bench-201's params_M), computed from the IR. Data- and network-free.
 */
import { networkCost, type Indicator } from '../../core/index.js';

export const params: Indicator = {
  kind: 'indicator',
  id: 'params',
  description: 'number of parameters, from the IR (no data, no network)',
  needs: { data: false, labels: false, backward: false },
  score(ctx) {
    const { params } = networkCost(ctx.ir);
    return { score: params, details: { millions: params / 1e6 } };
  },
};
