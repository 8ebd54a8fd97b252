import { z } from 'zod';
import { MstfError, zodLine } from '../errors.js';
import type { Evaluated, OptimizerInstance, Problem } from '../contracts/optimizer.js';
import type { GeneBound, Genotype } from '../contracts/search-space.js';
import { Rng } from '../util/rng.js';
import { rankAndCrowdingSurvival } from './survival.js';

/**
 * Helpers shared by population-based ask/tell optimizers (nsga2, random): a checked view of the Problem
 * with its defaults filled in, pool checks for tell(), unique batches, JSON-safe population state, and
 * PopulationOptimizer, the ask/tell/checkpoint skeleton both optimizers extend.
 */

export interface ResolvedProblem {
  bounds: readonly GeneBound[];
  types: readonly ('int' | 'real')[];
  nVar: number;
  nObjectives: number;
  sample(rng: Rng): Genotype;
  key(x: Genotype): string;
  repair(x: Genotype, rng: Rng): Genotype;
}

export function resolveProblem(problem: Problem, who: string): ResolvedProblem {
  const nVar = problem.bounds.length;
  if (nVar === 0) throw new MstfError('INVALID_ARGUMENT', `${who}: the problem has no variables`);
  const types = problem.types ?? new Array<'int'>(nVar).fill('int');
  if (types.length !== nVar) {
    throw new MstfError('INVALID_ARGUMENT', `${who}: ${types.length} variable types for ${nVar} variables`);
  }
  problem.bounds.forEach((b, i) => {
    const bad =
      !Number.isFinite(b.low) ||
      !Number.isFinite(b.high) ||
      b.low > b.high ||
      (types[i] === 'int' && (!Number.isInteger(b.low) || !Number.isInteger(b.high)));
    if (bad) {
      throw new MstfError(
        'INVALID_ARGUMENT',
        `${who}: variable ${b.name || i} has invalid ${types[i]} bounds [${b.low}, ${b.high}]`,
      );
    }
  });
  if (!Number.isInteger(problem.nObjectives) || problem.nObjectives < 1) {
    throw new MstfError(
      'INVALID_ARGUMENT',
      `${who}: nObjectives must be a positive integer, got ${problem.nObjectives}`,
    );
  }
  return {
    bounds: problem.bounds,
    types,
    nVar,
    nObjectives: problem.nObjectives,
    sample: (rng) => problem.sample(rng),
    key: problem.key ? (x) => problem.key!(x) : (x) => x.join(','),
    repair: problem.repair ? (x, rng) => problem.repair!(x, rng) : (x) => x,
  };
}

/**
 * Check a pool given to tell(): well-formed rows with finite objectives, and every asked genotype present.
 * Objective builders replace non-finite scores, so a non-finite objective here is a caller bug.
 */
export function checkPool(
  pool: readonly Evaluated[],
  problem: ResolvedProblem,
  asked: readonly Genotype[],
  who: string,
): void {
  if (pool.length === 0) throw new MstfError('INVALID_ARGUMENT', `${who}: tell() got an empty pool`);
  pool.forEach((p, i) => {
    if (!Array.isArray(p.x) || p.x.length !== problem.nVar) {
      throw new MstfError(
        'INVALID_ARGUMENT',
        `${who}: pool row ${i} has ${p.x?.length ?? 0} variables, expected ${problem.nVar}`,
      );
    }
    if (!Array.isArray(p.F) || p.F.length !== problem.nObjectives) {
      throw new MstfError(
        'INVALID_ARGUMENT',
        `${who}: pool row ${i} has ${p.F?.length ?? 0} objectives, expected ${problem.nObjectives}`,
      );
    }
    if (p.F.some((v) => !Number.isFinite(v))) {
      throw new MstfError('INVALID_ARGUMENT', `${who}: pool row ${i} has a non-finite objective (${p.F.join(', ')})`);
    }
    if (p.violation !== undefined && !Number.isFinite(p.violation)) {
      throw new MstfError('INVALID_ARGUMENT', `${who}: pool row ${i} has a non-finite constraint violation`);
    }
  });
  const inPool = new Set(pool.map((p) => problem.key(p.x)));
  const missing = asked.filter((x) => !inPool.has(problem.key(x))).length;
  if (missing > 0) {
    throw new MstfError(
      'INVALID_ARGUMENT',
      `${who}: tell() pool lacks ${missing} of the ${asked.length} asked genotypes`,
    );
  }
}

/**
 * Up to `size` genotypes from `make()` whose keys are not in `seen` nor repeated in the batch; gives up
 * after `maxAttempts` draws (a nearly exhausted space), so the batch may be shorter. Adds the keys to `seen`.
 */
export function uniqueBatch(
  size: number,
  make: () => Genotype,
  key: (x: Genotype) => string,
  seen: Set<string>,
  maxAttempts: number,
): Genotype[] {
  const out: Genotype[] = [];
  for (let attempt = 0; attempt < maxAttempts && out.length < size; attempt++) {
    const x = make();
    const k = key(x);
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(x);
  }
  return out;
}

/** A population member as optimizers keep it (rank and crowding from the last survival). */
export interface Member extends Evaluated {
  rank: number;
  crowding: number;
}

/** JSON form of a member: crowding Infinity (front extremes) is stored as null. */
export const memberStateSchema = z.object({
  x: z.array(z.number()),
  F: z.array(z.number()),
  violation: z.number().optional(),
  rank: z.number().int(),
  crowding: z.number().nullable(),
});
export type MemberState = z.infer<typeof memberStateSchema>;

export function encodeMember(m: Member): MemberState {
  return {
    x: [...m.x],
    F: [...m.F],
    ...(m.violation !== undefined ? { violation: m.violation } : {}),
    rank: m.rank,
    crowding: Number.isFinite(m.crowding) ? m.crowding : null,
  };
}

export function decodeMember(s: MemberState): Member {
  return {
    x: [...s.x],
    F: [...s.F],
    ...(s.violation !== undefined ? { violation: s.violation } : {}),
    rank: s.rank,
    crowding: s.crowding === null ? Infinity : s.crowding,
  };
}

/** Copy of a member without optimizer bookkeeping (what population() returns). */
export function toEvaluated(m: Member): Evaluated & { rank: number; crowding: number } {
  return {
    x: [...m.x],
    F: [...m.F],
    ...(m.violation !== undefined ? { violation: m.violation } : {}),
    rank: m.rank,
    crowding: m.crowding,
  };
}

/** Checkpoint fields every population optimizer writes, in this order; an optimizer may `.extend()` it. */
export function populationStateSchema<Id extends string>(optimizer: Id) {
  return z.object({
    optimizer: z.literal(optimizer),
    version: z.literal(1),
    nVar: z.number().int(),
    rng: z.number().int(),
    generation: z.number().int().min(0),
    population: z.array(memberStateSchema),
    pending: z.array(z.array(z.number())).nullable(),
  });
}
export type PopulationState = z.infer<ReturnType<typeof populationStateSchema<string>>>;

export interface PopulationOptimizerSpec<S extends PopulationState> {
  /** Optimizer id: the prefix of its error messages and the checkpoint's `optimizer` field. */
  id: S['optimizer'];
  /** How restore() names this optimizer's checkpoints in errors: "an nsga2", "a random-search". */
  checkpointName: string;
  /** The whole checkpoint: populationStateSchema(id), extended with the optimizer's own fields. */
  stateSchema: z.ZodType<S>;
}

/**
 * The ask/tell skeleton of a population optimizer; a subclass says only how it makes a batch.
 * - ask(): nextBatch() once per generation (gen 0: the initial population); an unanswered ask() is
 *   returned again unchanged, so a search checkpointed between ask and tell resumes exactly.
 * - tell(pool): the current population plus the asked genotypes with objectives computed over that pool;
 *   elitist (mu + lambda) survival of `opts.population` by constraint-domination rank, then crowding distance.
 * - state()/restore(): the common checkpoint fields, then extraState()/restoreExtra() for the subclass's own.
 */
export abstract class PopulationOptimizer<S extends PopulationState> implements OptimizerInstance {
  protected readonly problem: ResolvedProblem;
  protected abstract readonly opts: { population: number; duplicateRetries: number };
  protected rng: Rng;
  protected gen = 0;
  protected members: Member[] = [];
  protected pending: Genotype[] | null = null;

  protected constructor(
    problem: Problem,
    seed: number,
    private readonly spec: PopulationOptimizerSpec<S>,
  ) {
    this.problem = resolveProblem(problem, spec.id);
    this.rng = new Rng(seed);
  }

  /** The genotypes to evaluate in the current generation (called once per generation). */
  protected abstract nextBatch(): Genotype[];

  /** The subclass's own checkpoint fields (written after the common ones). */
  protected extraState(): Omit<S, keyof PopulationState> {
    return {} as Omit<S, keyof PopulationState>;
  }

  /** Restore the subclass's own fields from a checkpoint already checked against spec.stateSchema. */
  protected restoreExtra(_state: S): void {}

  /**
   * Up to `size` fresh uniform samples (problem.sample + repair) whose keys are not in `seen` (the keys
   * are added to it), allowing `opts.duplicateRetries` draws per wanted genotype.
   */
  protected sampleUnique(size: number, seen: Set<string>): Genotype[] {
    const make = () => this.problem.repair(this.problem.sample(this.rng), this.rng);
    return uniqueBatch(size, make, this.problem.key, seen, size * this.opts.duplicateRetries);
  }

  ask(): Genotype[] {
    this.pending ??= this.nextBatch();
    return this.pending.map((x) => [...x]);
  }

  tell(pool: Evaluated[]): void {
    const who = this.spec.id;
    if (!this.pending) throw new MstfError('INVALID_ARGUMENT', `${who}: tell() without a pending ask()`);
    checkPool(pool, this.problem, this.pending, who);
    this.members = rankAndCrowdingSurvival(pool, this.opts.population).map(({ index, rank, crowding }) => {
      const p = pool[index]!;
      return {
        x: [...p.x],
        F: [...p.F],
        ...(p.violation !== undefined ? { violation: p.violation } : {}),
        rank,
        crowding,
      };
    });
    this.pending = null;
    this.gen++;
  }

  population(): Evaluated[] {
    return this.members.map(toEvaluated);
  }

  /** Number of tell() calls so far: 1 after the initial population, 1 + g after g further generations. */
  generation(): number {
    return this.gen;
  }

  state(): S {
    const common: PopulationState = {
      optimizer: this.spec.id,
      version: 1,
      nVar: this.problem.nVar,
      rng: this.rng.state(),
      generation: this.gen,
      population: this.members.map(encodeMember),
      pending: this.pending ? this.pending.map((x) => [...x]) : null,
    };
    // S is PopulationState plus exactly the fields extraState() returns.
    return { ...common, ...this.extraState() } as S;
  }

  restore(state: unknown): void {
    const who = this.spec.id;
    const r = this.spec.stateSchema.safeParse(state);
    if (!r.success) {
      throw new MstfError(
        'INVALID_ARGUMENT',
        `${who}: not ${this.spec.checkpointName} checkpoint (${zodLine(r.error)})`,
      );
    }
    const s = r.data;
    if (s.nVar !== this.problem.nVar) {
      throw new MstfError(
        'INVALID_ARGUMENT',
        `${who}: checkpoint has ${s.nVar} variables, the problem ${this.problem.nVar}`,
      );
    }
    this.rng = Rng.fromState(s.rng);
    this.gen = s.generation;
    this.members = s.population.map(decodeMember);
    this.pending = s.pending ? s.pending.map((x) => [...x]) : null;
    this.restoreExtra(s);
  }
}
