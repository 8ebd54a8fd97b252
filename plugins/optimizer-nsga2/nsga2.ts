import {
  type z,
  MstfError,
  type Problem,
  type Genotype,
  type Rng,
  dominance,
  violationOf,
  zodLine,
  PopulationOptimizer,
  populationStateSchema,
  type Member,
} from '../../core/index.js';
import { crossover, mutate } from './operators.js';
import { nsga2OptionsSchema, type Nsga2ResolvedOptions } from './options.js';

const stateSchema = populationStateSchema('nsga2');
export type Nsga2State = z.infer<typeof stateSchema>;

export function resolveNsga2Options(options: unknown): Nsga2ResolvedOptions {
  const r = nsga2OptionsSchema.safeParse(options ?? {});
  if (!r.success) throw new MstfError('INVALID_ARGUMENT', `nsga2 options: ${zodLine(r.error)}`);
  return r.data;
}

/**
 * NSGA-II (Deb et al. 2002) as an ask/tell optimizer (ask/tell, survival and checkpoints: PopulationOptimizer).
 * - ask(): the first call returns the initial population (problem.sample + repair, unique by
 *   problem.key); later calls return offspring: binary tournaments, crossover, mutation, repair, and
 *   duplicate elimination against each other and the population.
 * - tell(pool): elitist (mu + lambda) survival by constraint-domination rank, then crowding distance.
 */
export class Nsga2Instance extends PopulationOptimizer<Nsga2State> {
  protected readonly opts: Nsga2ResolvedOptions;
  private readonly mutationProb: number;

  constructor(problem: Problem, options: unknown, seed: number) {
    super(problem, seed, { id: 'nsga2', checkpointName: 'an nsga2', stateSchema });
    this.opts = resolveNsga2Options(options);
    this.mutationProb = this.opts.mutationProb ?? 1 / this.problem.nVar;
  }

  protected nextBatch(): Genotype[] {
    return this.gen === 0 ? this.sampleUnique(this.opts.population, new Set()) : this.offspring();
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
    if (out.length < offspring) out.push(...this.sampleUnique(offspring - out.length, seen));
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
