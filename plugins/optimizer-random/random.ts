import { z } from 'zod';
import { MstfError } from '../../core/errors.js';
import type { Evaluated, OptimizerInstance, Problem } from '../../core/contracts/optimizer.js';
import type { Genotype } from '../../core/contracts/search-space.js';
import { Rng } from '../../core/util/rng.js';
import { rankAndCrowdingSurvival } from '../../core/pareto/survival.js';
import {
  checkPool,
  decodeMember,
  encodeMember,
  firstZodIssue,
  memberStateSchema,
  resolveProblem,
  toEvaluated,
  uniqueBatch,
  type Member,
  type ResolvedProblem,
} from '../../core/pareto/population.js';

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

const stateSchema = z.object({
  optimizer: z.literal('random'),
  version: z.literal(1),
  nVar: z.number().int(),
  rng: z.number().int(),
  generation: z.number().int().min(0),
  population: z.array(memberStateSchema),
  pending: z.array(z.array(z.number())).nullable(),
  seen: z.array(z.string()),
});
export type RandomState = z.infer<typeof stateSchema>;

/**
 * The paper's random-search baseline as an ask/tell optimizer. With the same population, offspring and
 * generations as nsga2 it evaluates the same number of candidates: uniform samples (problem.sample +
 * repair) never seen before in this search. tell() keeps the best `population` by the same non-dominated
 * rank and crowding distance as NSGA-II, so the last population and the final-pick rule mean the same.
 */
export class RandomSearchInstance implements OptimizerInstance {
  private readonly problem: ResolvedProblem;
  private readonly opts: RandomResolvedOptions;
  private rng: Rng;
  private gen = 0;
  private members: Member[] = [];
  private pending: Genotype[] | null = null;
  /** Keys of every genotype asked so far: random search never spends budget twice on one network. */
  private seen = new Set<string>();

  constructor(problem: Problem, options: unknown, seed: number) {
    this.problem = resolveProblem(problem, 'random');
    const r = randomOptionsSchema.safeParse(options ?? {});
    if (!r.success) throw new MstfError('INVALID_ARGUMENT', `random options: ${firstZodIssue(r.error)}`);
    this.opts = r.data;
    this.rng = new Rng(seed);
  }

  ask(): Genotype[] {
    if (!this.pending) {
      const size = this.gen === 0 ? this.opts.population : this.opts.offspring;
      const make = () => this.problem.repair(this.problem.sample(this.rng), this.rng);
      this.pending = uniqueBatch(size, make, this.problem.key, this.seen, size * this.opts.duplicateRetries);
    }
    return this.pending.map((x) => [...x]);
  }

  tell(pool: Evaluated[]): void {
    if (!this.pending) throw new MstfError('INVALID_ARGUMENT', 'random: tell() without a pending ask()');
    checkPool(pool, this.problem, this.pending, 'random');
    this.members = rankAndCrowdingSurvival(pool, this.opts.population).map(({ index, rank, crowding }) => {
      const p = pool[index]!;
      return { x: [...p.x], F: [...p.F], ...(p.violation !== undefined ? { violation: p.violation } : {}), rank, crowding };
    });
    this.pending = null;
    this.gen++;
  }

  population(): Evaluated[] {
    return this.members.map(toEvaluated);
  }

  /** Number of tell() calls so far (1 after the initial sample). */
  generation(): number {
    return this.gen;
  }

  state(): RandomState {
    return {
      optimizer: 'random',
      version: 1,
      nVar: this.problem.nVar,
      rng: this.rng.state(),
      generation: this.gen,
      population: this.members.map(encodeMember),
      pending: this.pending ? this.pending.map((x) => [...x]) : null,
      seen: [...this.seen],
    };
  }

  restore(state: unknown): void {
    const r = stateSchema.safeParse(state);
    if (!r.success) throw new MstfError('INVALID_ARGUMENT', `random: not a random-search checkpoint (${firstZodIssue(r.error)})`);
    const s = r.data;
    if (s.nVar !== this.problem.nVar) {
      throw new MstfError('INVALID_ARGUMENT', `random: checkpoint has ${s.nVar} variables, the problem ${this.problem.nVar}`);
    }
    this.rng = Rng.fromState(s.rng);
    this.gen = s.generation;
    this.members = s.population.map(decodeMember);
    this.pending = s.pending ? s.pending.map((x) => [...x]) : null;
    this.seen = new Set(s.seen);
  }
}
