import { definePlugin, type Optimizer } from '../../core/index.js';
import { Nsga2Instance } from './nsga2.js';
import { nsga2OptionsSchema, type Nsga2ResolvedOptions } from './options.js';

export { Nsga2Instance, resolveNsga2Options, tournamentWinner, type Nsga2State } from './nsga2.js';
export { crossover, mutate, integerMutation, polynomialMutation, twoPointCuts } from './operators.js';
export { nsga2OptionsSchema, type Nsga2Options } from './options.js';

/** Generic NSGA-II: integer and real variables, duplicate elimination, constraint-domination. */
export const nsga2: Optimizer<Nsga2ResolvedOptions> = {
  kind: 'optimizer',
  id: 'nsga2',
  description:
    'NSGA-II: non-dominated sorting, crowding distance, binary tournament, elitist survival, duplicate elimination',
  optionsSchema: nsga2OptionsSchema,
  budget: { population: 'population', offspring: 'offspring' },
  create: (problem, options, seed) => new Nsga2Instance(problem, options, seed),
};

export default definePlugin({
  name: '@mstf/optimizer-nsga2',
  version: '0.1.0',
  apiVersion: '^1.0.0',
  provides: { optimizer: ['nsga2'] },
  register(ctx) {
    ctx.add('optimizer', nsga2);
  },
});
