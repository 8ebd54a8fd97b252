import { Flags } from '@oclif/core';
import { withBudget } from '../../../core/kernel/options.js';
import { MstfCommand } from '../../base.js';
import { MstfError } from '../../../core/errors.js';
import { ZDT_NAMES, isZdtName, runZdt } from '../../../core/validation/zdt.js';

export default class ValidateOptimizer extends MstfCommand<typeof ValidateOptimizer> {
  static override description =
    'Run a multi-objective optimizer on ZDT1/2/3 (30 real variables) and report hypervolume (reference 1.1, 1.1) and IGD against the true Pareto front';
  static override examples = [
    '<%= config.bin %> validate optimizer --problem zdt1',
    '<%= config.bin %> validate optimizer --problem zdt3 --population 100 --generations 200 --seed 1 --json',
  ];
  static override flags = {
    problem: Flags.string({ description: 'benchmark problem', options: [...ZDT_NAMES], required: true }),
    population: Flags.integer({ description: 'population size (and offspring per generation)', default: 100, min: 2 }),
    generations: Flags.integer({
      description: 'offspring generations after the initial population',
      default: 200,
      min: 0,
    }),
    seed: Flags.integer({ description: 'random seed', default: 1 }),
    optimizer: Flags.string({ description: 'optimizer id (a registered optimizer extension)', default: 'nsga2' }),
    json: Flags.boolean({
      description: 'print {problem, population, generations, seed, hypervolume, trueHypervolume, ratio, igd}',
      default: false,
    }),
  };

  async run(): Promise<void> {
    const { problem, population, generations, seed, json } = this.flags;
    if (!isZdtName(problem))
      throw new MstfError('INVALID_ARGUMENT', `unknown problem "${problem}" (known: ${ZDT_NAMES.join(', ')})`);
    const kernel = await this.kernel();
    const optimizer = kernel.registry('optimizer').get(this.flags.optimizer);
    const every = Math.max(1, Math.round(generations / 20));
    const result = runZdt({
      problem,
      optimizer,
      // --population sets the optimizer's declared budget knobs (population and offspring), over its booted options.
      optimizerOptions: withBudget(
        kernel,
        'optimizer',
        optimizer.id,
        { explicit: { population, offspring: population } },
        'optimizer',
      ) as Record<string, unknown>,
      generations,
      seed,
      onProgress: (p) => {
        if (p.generation % every !== 0 && p.generation !== p.generations) return;
        process.stderr.write(
          json
            ? JSON.stringify({ generation: p.generation, generations: p.generations, hypervolume: p.hypervolume }) +
                '\n'
            : `generation ${p.generation}/${p.generations}  hypervolume ${p.hypervolume.toFixed(4)}\n`,
        );
      },
    });
    const summary = {
      problem,
      population,
      generations,
      seed,
      hypervolume: result.hypervolume,
      trueHypervolume: result.trueHypervolume,
      ratio: result.ratio,
      igd: result.igd,
    };
    if (json) {
      this.printJson(summary);
      return;
    }
    this.log(`${problem}: ${optimizer.id}, population ${population}, ${generations} generations, seed ${seed}`);
    this.log(`hypervolume       ${result.hypervolume.toFixed(4)}  (reference point 1.1, 1.1)`);
    this.log(`true front        ${result.trueHypervolume.toFixed(4)}`);
    this.log(`ratio             ${result.ratio.toFixed(4)}`);
    this.log(`IGD               ${result.igd.toExponential(3)}`);
  }
}
