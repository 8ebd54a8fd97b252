// @ts-check
// __PLUGIN_NAME__: an mstf plugin providing the search space "__EXTENSION_ID__" (created by `mstf plugin new`).
// Plain ESM JavaScript, no build step; `// @ts-check` and the JSDoc types give an editor mstf's types.
// Everything comes from 'mstf-nas' (the kit), zod included (`z`): the package needs no other dependency.
import { defineSearchSpace, definePlugin, IRBuilder, z } from 'mstf-nas';

/** Output channels of a block, by gene value. */
export const WIDTHS = [8, 16, 32];
/** Square kernel size of a block's conv, by gene value. */
export const KERNELS = [3, 5];

/**
 * __EXTENSION_ID__: a plain chain of conv blocks. Genes (3 + 2 per block, integers):
 *   0: depth - 1 (1..maxDepth blocks are used), then per block b: width index (WIDTHS), kernel index (KERNELS).
 * Network: input -> depth x [conv k x k (same padding, no bias) -> batchnorm -> relu], the first block of
 * each pair of blocks with stride 2 when `downsample` -> global average pool -> dense(classes).
 * Only `bounds` and `decode` are written here: defineSearchSpace fills parse/format/validate/sample/hash/
 * describe/isDegenerate/draw with the kit's defaults (override any of them by returning it from create()).
 */
export const space = defineSearchSpace({
  id: '__EXTENSION_ID__',
  description: 'chain of conv-bn-relu blocks: depth, width and kernel per block (template of __PLUGIN_NAME__)',
  optionsSchema: z.object({
    maxDepth: z.number().int().min(1).max(16).default(4).describe('most blocks a genotype can use'),
    downsample: z.boolean().default(true).describe('stride 2 in blocks 1, 3, 5, ...'),
  }),
  defaultContext: { inputShape: [28, 28, 1], classes: 2 },
  create(ctx, options) {
    const bounds = [{ name: 'depth - 1', low: 0, high: options.maxDepth - 1 }];
    for (let b = 0; b < options.maxDepth; b++) {
      bounds.push({ name: `block ${b} width`, low: 0, high: WIDTHS.length - 1 });
      bounds.push({ name: `block ${b} kernel`, low: 0, high: KERNELS.length - 1 });
    }
    return {
      bounds,
      decode(g) {
        const ir = new IRBuilder();
        let x = ir.input('input', ctx.inputShape);
        for (let b = 0; b <= (g[0] ?? 0); b++) {
          const filters = WIDTHS[g[1 + 2 * b] ?? 0] ?? WIDTHS[0];
          const kernel = KERNELS[g[2 + 2 * b] ?? 0] ?? KERNELS[0];
          const stride = options.downsample && b % 2 === 1 ? 2 : 1;
          x = ir.conv(`b${b}_conv`, x, { filters, kernel, stride, padding: 'same', bias: false });
          x = ir.relu(`b${b}_relu`, ir.bn(`b${b}_bn`, x));
        }
        return ir.build(ir.dense('fc', ir.gap('gap', x), ctx.classes, true));
      },
    };
  },
});

export default definePlugin({
  name: '__PLUGIN_NAME__',
  version: '0.1.0',
  apiVersion: '^1.0.0',
  provides: { searchSpace: ['__EXTENSION_ID__'] },
  register(ctx) {
    ctx.add('searchSpace', space);
  },
});
