import { definePlugin } from '../../core/index.js';
import { flopsSingle, flopsSum, mstfEq5, pair } from './builders.js';

export { mstfEq5, pair, flopsSingle, flopsSum, FLOPS } from './builders.js';
export { normaliseColumn, type NormalisedColumn } from './normalise.js';

/** The paper's objective (Eq. 5) and its Table IX ablation forms; all objectives minimised. */
export default definePlugin({
  name: '@mstf/objectives',
  version: '0.1.0',
  apiVersion: '^1.0.0',
  provides: { objective: ['mstf-eq5', 'pair', 'flops-single', 'flops-sum'] },
  register(ctx) {
    for (const builder of [mstfEq5, pair, flopsSingle, flopsSum]) ctx.add('objective', builder);
  },
});
