import { z } from 'zod';
import { MstfError } from '../errors.js';
import type { Evaluated, Problem } from '../contracts/optimizer.js';
import type { GeneBound, Genotype } from '../contracts/search-space.js';
import type { Rng } from '../util/rng.js';

/**
 * Helpers shared by population-based ask/tell optimizers (nsga2, random): a checked view of the Problem
 * with its defaults filled in, pool checks for tell(), unique batches, and JSON-safe population state.
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
    throw new MstfError('INVALID_ARGUMENT', `${who}: nObjectives must be a positive integer, got ${problem.nObjectives}`);
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
export function checkPool(pool: readonly Evaluated[], problem: ResolvedProblem, asked: readonly Genotype[], who: string): void {
  if (pool.length === 0) throw new MstfError('INVALID_ARGUMENT', `${who}: tell() got an empty pool`);
  pool.forEach((p, i) => {
    if (!Array.isArray(p.x) || p.x.length !== problem.nVar) {
      throw new MstfError('INVALID_ARGUMENT', `${who}: pool row ${i} has ${p.x?.length ?? 0} variables, expected ${problem.nVar}`);
    }
    if (!Array.isArray(p.F) || p.F.length !== problem.nObjectives) {
      throw new MstfError('INVALID_ARGUMENT', `${who}: pool row ${i} has ${p.F?.length ?? 0} objectives, expected ${problem.nObjectives}`);
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
    throw new MstfError('INVALID_ARGUMENT', `${who}: tell() pool lacks ${missing} of the ${asked.length} asked genotypes`);
  }
}

/**
 * Up to `size` genotypes from `make()` whose keys are not in `seen` nor repeated in the batch; gives up
 * after `maxAttempts` draws (a nearly exhausted space), so the batch may be shorter. Adds the keys to `seen`.
 */
export function uniqueBatch(size: number, make: () => Genotype, key: (x: Genotype) => string, seen: Set<string>, maxAttempts: number): Genotype[] {
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
  return { x: [...m.x], F: [...m.F], ...(m.violation !== undefined ? { violation: m.violation } : {}), rank: m.rank, crowding: m.crowding };
}

/** First zod issue as "path: message" (kept here so optimizers need not import the kernel loader). */
export function firstZodIssue(err: { issues: { path: PropertyKey[]; message: string }[] }): string {
  const i = err.issues[0];
  if (!i) return 'invalid';
  const p = i.path.map(String).join('.');
  return p ? `${p}: ${i.message}` : i.message;
}
