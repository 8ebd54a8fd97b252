import { definePlugin, type Optimizer } from '../../core/index.js';
import { RandomSearchInstance, randomOptionsSchema, type RandomResolvedOptions } from './random.js';

export { RandomSearchInstance, randomOptionsSchema, type RandomOptions, type RandomState } from './random.js';

/** The paper's random-search baseline: same budget as nsga2, same survival and final-pick rule. */
export const randomSearch: Optimizer<RandomResolvedOptions> = {
  kind: 'optimizer',
  id: 'random',
  description: 'Random search baseline: unique uniform samples, same budget and survival as nsga2',
  optionsSchema: randomOptionsSchema,
  budget: { population: 'population', offspring: 'offspring' },
  create: (problem, options, seed) => new RandomSearchInstance(problem, options, seed),
};

export default definePlugin({
  name: '@mstf/optimizer-random',
  version: '0.1.0',
  apiVersion: '^1.0.0',
  provides: { optimizer: ['random'] },
  register(ctx) {
    ctx.add('optimizer', randomSearch);
  },
});
