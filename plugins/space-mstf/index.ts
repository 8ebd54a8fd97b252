import { definePlugin } from '../../core/index.js';
import { mstfSpace } from './space.js';

export { mstfSpace, mstfOptionsSchema } from './space.js';
export { NORMAL_OPS, POOLS } from './ops.js';

export default definePlugin({
  name: '@mstf/space-mstf',
  version: '0.1.0',
  apiVersion: '^1.0.0',
  provides: { searchSpace: ['mstf'] },
  register(ctx) {
    ctx.add('searchSpace', mstfSpace);
  },
});
