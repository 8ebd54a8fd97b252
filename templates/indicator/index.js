// @ts-check
// __PLUGIN_NAME__: an mstf plugin providing the indicator "__EXTENSION_ID__" (created by `mstf plugin new`).
// Plain ESM JavaScript, no build step; `// @ts-check` and the JSDoc types give an editor mstf's types.
// Everything comes from 'mstf-nas' (the kit), zod included (`z`): the package needs no other dependency.
import { defineIndicator, definePlugin, parameterValues, z } from 'mstf-nas';

/**
 * __EXTENSION_ID__: the log of the L1 norm of the network's weights at initialisation,
 *
 *     score = ln( sum over every trainable weight w of a conv, depthwise or dense layer of |w| )
 *
 * (with `includeBias`, the biases of those layers are summed too). Data-free: it reads only the
 * parameters the engine initialised with the seed, never an image. Wider and deeper networks have more
 * weights and score higher, so, like `params`, it measures capacity. Higher is better.
 */
export const indicator = defineIndicator({
  id: '__EXTENSION_ID__',
  description: 'ln of the L1 norm of the initial weights (template indicator of __PLUGIN_NAME__)',
  needs: { data: false, labels: false, backward: false },
  optionsSchema: z.object({
    includeBias: z.boolean().default(false).describe('also sum |b| over the layers’ biases'),
  }),
  score(ctx, options) {
    const keep = (/** @type {import('mstf-nas').ParamInfo} */ p) =>
      p.trainable && (p.role === 'weight' || (options.includeBias && p.role === 'bias'));
    let l1 = 0;
    let count = 0;
    const tensors = parameterValues(ctx.net, keep);
    for (const { values } of tensors) {
      for (const v of values) l1 += Math.abs(v);
      count += values.length;
    }
    // ln(0) = -Infinity for a network without weights: recorded as non-finite by mstf, never thrown.
    return { score: Math.log(l1), details: { l1, weights: count, tensors: tensors.length } };
  },
});

export default definePlugin({
  name: '__PLUGIN_NAME__',
  version: '0.1.0',
  apiVersion: '^1.0.0',
  provides: { indicator: ['__EXTENSION_ID__'] },
  register(ctx) {
    ctx.add('indicator', indicator);
  },
});
