import {
  z,
  MstfError,
  type Problem,
  type Genotype,
  zodLine,
  PopulationOptimizer,
  populationStateSchema,
} from '../../core/index.js';

/** Same budget knobs as nsga2: `population` first, then `offspring` fresh samples per generation. */
export const randomOptionsSchema = z.strictObject({
  population: z.number().int().min(1).default(40).describe('initial sample size, and the population kept by survival'),
  offspring: z.number().int().min(1).default(40).describe('new samples per generation'),
  duplicateRetries: z
    .number()
    .int()
    .min(1)
    .default(100)
    .describe('draws allowed per wanted genotype before giving up on an unseen one'),
});
export type RandomOptions = z.input<typeof randomOptionsSchema>;
export type RandomResolvedOptions = z.output<typeof randomOptionsSchema>;

const stateSchema = populationStateSchema('random').extend({
  seen: z.array(z.string()),
});
export type RandomState = z.infer<typeof stateSchema>;

/**
 * The paper's random-search baseline as an ask/tell optimizer. With the same population, offspring and
 * generations as nsga2 it evaluates the same number of candidates: uniform samples (problem.sample +
 * repair) never seen before in this search. tell() keeps the best `population` by the same non-dominated
 * rank and crowding distance as NSGA-II (PopulationOptimizer), so the last population and the final-pick
 * rule mean the same.
 */
export class RandomSearchInstance extends PopulationOptimizer<RandomState> {
  protected readonly opts: RandomResolvedOptions;
  /** Keys of every genotype asked so far: random search never spends budget twice on one network. */
  private seen = new Set<string>();

  constructor(problem: Problem, options: unknown, seed: number) {
    super(problem, seed, { id: 'random', checkpointName: 'a random-search', stateSchema });
    const r = randomOptionsSchema.safeParse(options ?? {});
    if (!r.success) throw new MstfError('INVALID_ARGUMENT', `random options: ${zodLine(r.error)}`);
    this.opts = r.data;
  }

  protected nextBatch(): Genotype[] {
    return this.sampleUnique(this.gen === 0 ? this.opts.population : this.opts.offspring, this.seen);
  }

  protected override extraState() {
    return { seen: [...this.seen] };
  }

  protected override restoreExtra(s: RandomState): void {
    this.seen = new Set(s.seen);
  }
}
