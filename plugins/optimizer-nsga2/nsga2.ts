import { z } from 'zod';
import { MstfError } from '../../core/errors.js';
import type { Evaluated, OptimizerInstance, Problem } from '../../core/contracts/optimizer.js';
import type { Genotype } from '../../core/contracts/search-space.js';
import { Rng } from '../../core/util/rng.js';
import { dominance, violationOf } from '../../core/pareto/dominance.js';
import { rankAndCrowdingSurvival } from '../../core/pareto/survival.js';
import {
  checkPool,
  decodeMember,
  encodeMember,
  memberStateSchema,
  resolveProblem,
  toEvaluated,
  uniqueBatch,
  type Member,
  type ResolvedProblem,
  firstZodIssue,
} from '../../core/pareto/population.js';
import { crossover, mutate } from './operators.js';
import { nsga2OptionsSchema, type Nsga2ResolvedOptions } from './options.js';

const stateSchema = z.object({
  optimizer: z.literal('nsga2'),
  version: z.literal(1),
  nVar: z.number().int(),
  rng: z.number().int(),
  generation: z.number().int().min(0),
  population: z.array(memberStateSchema),
  pending: z.array(z.array(z.number())).nullable(),
});
export type Nsga2State = z.infer<typeof stateSchema>;

export function resolveNsga2Options(options: unknown): Nsga2ResolvedOptions {
  const r = nsga2OptionsSchema.safeParse(options ?? {});
  if (!r.success) throw new MstfError('INVALID_ARGUMENT', `nsga2 options: ${firstZodIssue(r.error)}`);
  return r.data;
}

/**
 * NSGA-II (Deb et al. 2002) as an ask/tell optimizer.
 * - ask(): the first call returns the initial population (problem.sample + repair, unique by
 *   problem.key); later calls return offspring: binary tournaments, crossover, mutation, repair, and
 *   duplicate elimination against each other and the population. An unanswered ask() is returned again
 *   unchanged, so a search checkpointed between ask and tell resumes exactly.
 * - tell(pool): the current population plus the asked genotypes with objectives computed over that pool;
 *   elitist (mu + lambda) survival by constraint-domination rank, then crowding distance.
 */
export class Nsga2Instance implements OptimizerInstance {
  private readonly problem: ResolvedProblem;
  private readonly opts: Nsga2ResolvedOptions;
  private readonly mutationProb: number;
  private rng: Rng;
  private gen = 0;
  private members: Member[] = [];
  private pending: Genotype[] | null = null;

  constructor(problem: Problem, options: unknown, seed: number) {
    this.problem = resolveProblem(problem, 'nsga2');
    this.opts = resolveNsga2Options(options);
    this.mutationProb = this.opts.mutationProb ?? 1 / this.problem.nVar;
    this.rng = new Rng(seed);
  }

  ask(): Genotype[] {
    this.pending ??= this.gen === 0 ? this.initialPopulation() : this.offspring();
    return this.pending.map((x) => [...x]);
  }

  tell(pool: Evaluated[]): void {
    if (!this.pending) throw new MstfError('INVALID_ARGUMENT', 'nsga2: tell() without a pending ask()');
    checkPool(pool, this.problem, this.pending, 'nsga2');
    const survivors = rankAndCrowdingSurvival(pool, this.opts.population);
    this.members = survivors.map(({ index, rank, crowding }) => {
      const p = pool[index]!;
      return { x: [...p.x], F: [...p.F], ...(p.violation !== undefined ? { violation: p.violation } : {}), rank, crowding };
    });
    this.pending = null;
    this.gen++;
  }

  population(): Evaluated[] {
    return this.members.map(toEvaluated);
  }

  /** Number of tell() calls so far: 1 after the initial population, 1 + g after g offspring generations. */
  generation(): number {
    return this.gen;
  }

  state(): Nsga2State {
    return {
      optimizer: 'nsga2',
      version: 1,
      nVar: this.problem.nVar,
      rng: this.rng.state(),
      generation: this.gen,
      population: this.members.map(encodeMember),
      pending: this.pending ? this.pending.map((x) => [...x]) : null,
    };
  }

  restore(state: unknown): void {
    const r = stateSchema.safeParse(state);
    if (!r.success) throw new MstfError('INVALID_ARGUMENT', `nsga2: not an nsga2 checkpoint (${firstZodIssue(r.error)})`);
    const s = r.data;
    if (s.nVar !== this.problem.nVar) {
      throw new MstfError('INVALID_ARGUMENT', `nsga2: checkpoint has ${s.nVar} variables, the problem ${this.problem.nVar}`);
    }
    this.rng = Rng.fromState(s.rng);
    this.gen = s.generation;
    this.members = s.population.map(decodeMember);
    this.pending = s.pending ? s.pending.map((x) => [...x]) : null;
  }

  private initialPopulation(): Genotype[] {
    const { population, duplicateRetries } = this.opts;
    const make = () => this.problem.repair(this.problem.sample(this.rng), this.rng);
    return uniqueBatch(population, make, this.problem.key, new Set(), population * duplicateRetries);
  }

  /**
   * `offspring` children unique against each other and the population. Mating is retried until the
   * attempt budget runs out; remaining slots are filled with fresh random samples (also unique), so a
   * converged population still spends the full evaluation budget. May return fewer in a nearly
   * exhausted space.
   */
  private offspring(): Genotype[] {
    const { offspring, duplicateRetries, crossoverProb, etaC, etaM } = this.opts;
    const { types, bounds, key } = this.problem;
    const seen = new Set(this.members.map((m) => key(m.x)));
    const out: Genotype[] = [];
    const maxMatings = Math.ceil(offspring / 2) * duplicateRetries;
    for (let mating = 0; mating < maxMatings && out.length < offspring; mating++) {
      const a = this.tournament();
      const b = this.tournament();
      const children: Genotype[] =
        this.rng.next() < crossoverProb ? crossover(a.x, b.x, types, bounds, etaC, this.rng) : [[...a.x], [...b.x]];
      for (const child of children) {
        mutate(child, types, bounds, this.mutationProb, etaM, this.rng);
        const x = this.problem.repair(child, this.rng);
        const k = key(x);
        if (out.length < offspring && !seen.has(k)) {
          seen.add(k);
          out.push(x);
        }
      }
    }
    if (out.length < offspring) {
      const make = () => this.problem.repair(this.problem.sample(this.rng), this.rng);
      out.push(...uniqueBatch(offspring - out.length, make, key, seen, (offspring - out.length) * duplicateRetries));
    }
    return out;
  }

  /** Binary tournament between two distinct random members. */
  private tournament(): Member {
    const n = this.members.length;
    if (n === 0) throw new MstfError('INTERNAL', 'nsga2: no population to select parents from');
    const i = this.rng.int(0, n - 1);
    let j = n > 1 ? this.rng.int(0, n - 2) : i;
    if (n > 1 && j >= i) j++;
    return tournamentWinner(this.members[i]!, this.members[j]!, this.rng);
  }
}

/**
 * NSGA-II's binary tournament rule (pymoo's comp_by_dom_and_crowding): the less infeasible wins when
 * either is infeasible, otherwise the dominating one, otherwise the larger crowding distance, otherwise
 * a coin flip.
 */
export function tournamentWinner<T extends Pick<Member, 'F' | 'violation' | 'crowding'>>(a: T, b: T, rng: Rng): T {
  const va = violationOf(a);
  const vb = violationOf(b);
  if (va > 0 || vb > 0) {
    if (va !== vb) return va < vb ? a : b;
    return rng.next() < 0.5 ? a : b;
  }
  const rel = dominance(a.F, b.F);
  if (rel === 1) return a;
  if (rel === -1) return b;
  if (a.crowding !== b.crowding) return a.crowding > b.crowding ? a : b;
  return rng.next() < 0.5 ? a : b;
}
