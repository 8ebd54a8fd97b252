import { definePlugin } from '../../core/index.js';
import { nb201Space } from './space.js';

export { nb201Space, nb201OptionsSchema } from './space.js';
export { NB201_OPS, formatCell, parseCell } from './cell.js';

export default definePlugin({
  name: '@mstf/space-nb201',
  version: '0.1.0',
  apiVersion: '^1.0.0',
  provides: { searchSpace: ['nb201'] },
  register(ctx) {
    ctx.add('searchSpace', nb201Space);
  },
});
