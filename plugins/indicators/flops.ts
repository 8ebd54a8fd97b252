/**
 * flops: multiply-accumulates per example, computed analytically from the IR (core/ir/cost.ts). Data- and
 * network-free. Reported as is (higher = more compute); objectives use it as the complexity term of Eq. 5.
 */
import { networkCost, type Indicator } from '../../core/index.js';

export const flops: Indicator = {
  kind: 'indicator',
  id: 'flops',
  description: 'multiply-accumulates per example, from the IR (no data, no network)',
  needs: { data: false, labels: false, backward: false },
  score(ctx) {
    const { flops } = networkCost(ctx.ir);
    return { score: flops, details: { mflops: flops / 1e6 } };
  },
};
