/**
 * @mstf/indicators: the training-free indicators of the paper (Eq. 2-4) and zero-cost-nas, one file each.
 * Higher is better for every score; non-finite scores are returned, never thrown (the runner flags them).
 */
import { definePlugin, type Indicator } from '../../core/index.js';
import { gradNorm } from './grad-norm.js';
import { snip } from './snip.js';
import { grasp } from './grasp.js';
import { synflow } from './synflow.js';
import { fisher } from './fisher.js';
import { jacobCov } from './jacob-cov.js';
import { jacobCovV1 } from './jacob-cov-v1.js';
import { flops } from './flops.js';
import { params } from './params.js';

/** The registry of measures, in the order `all` runs them. */
export const indicators: Indicator<any>[] = [
  gradNorm,
  snip,
  grasp,
  synflow,
  fisher,
  jacobCov,
  jacobCovV1,
  flops,
  params,
];

export default definePlugin({
  name: '@mstf/indicators',
  version: '0.1.0',
  apiVersion: '^1.0.0',
  provides: { indicator: indicators.map((i) => i.id) },
  register(ctx) {
    for (const indicator of indicators) ctx.add('indicator', indicator);
  },
});
