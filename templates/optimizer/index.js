// @ts-check
// __PLUGIN_NAME__: an mstf plugin providing the optimizer "__EXTENSION_ID__" (created by `mstf plugin new`).
// Plain ESM JavaScript, no build step; `// @ts-check` and the JSDoc types give an editor mstf's types.
// Everything comes from 'mstf-nas' (the kit), zod included (`z`): the package needs no other dependency.
import { defineOptimizer, definePlugin, dominance, MstfError, Rng, violationOf, z } from 'mstf-nas';

/** @typedef {import('mstf-nas').Evaluated} Evaluated */
/** @typedef {import('mstf-nas').Genotype} Genotype */
/** @typedef {import('mstf-nas').Problem} Problem */

export const optionsSchema = z.object({
  population: z.number().int().min(1).default(20).describe('initial samples, and survivors kept by tell()'),
  offspring: z.number().int().min(1).default(20).describe('mutants asked per generation'),
  mutationRate: z.number().gt(0).max(1).optional().describe('probability to redraw each gene (default 1 / genes)'),
});

/**
 * Survival: the pool sorted by constraint violation (feasible first), then by how many pool members dominate it
 * (0 = on the first front), then by the sum of its objectives; ties keep pool order. The first `size` survive.
 * @param {readonly Evaluated[]} pool
 * @param {number} size
 * @returns {Evaluated[]}
 */
export function survive(pool, size) {
  const keyed = pool.map((p, i) => ({
    p,
    i,
    violation: violationOf(p),
    dominatedBy: pool.filter((q) => violationOf(q) === 0 && dominance(q.F, p.F) === 1).length,
    sum: p.F.reduce((a, b) => a + b, 0),
  }));
  keyed.sort((a, b) => a.violation - b.violation || a.dominatedBy - b.dominatedBy || a.sum - b.sum || a.i - b.i);
  return keyed.slice(0, size).map((k) => k.p);
}

/**
 * __EXTENSION_ID__: a mutation search. Generation 0 asks `population` random genotypes (problem.sample); each
 * later generation asks `offspring` mutants of uniformly chosen survivors (each gene redrawn within its bounds
 * with probability `mutationRate`, at least one gene changed), repaired by the problem when it can. tell()
 * keeps `population` members by `survive`. The state is JSON (generation, RNG, survivors, pending asks), so a
 * search resumes exactly.
 */
export class MutationSearch {
  /**
   * @param {Problem} problem
   * @param {z.output<typeof optionsSchema>} options
   * @param {number} seed
   */
  constructor(problem, options, seed) {
    this.problem = problem;
    this.options = options;
    this.rng = new Rng(seed);
    this.gen = 0;
    /** @type {Evaluated[]} */
    this.members = [];
    /** @type {Genotype[] | null} */
    this.asked = null;
  }

  /** @returns {Genotype[]} */
  ask() {
    if (!this.asked) {
      const n = this.gen === 0 || this.members.length === 0 ? this.options.population : this.options.offspring;
      this.asked = [];
      for (let i = 0; i < n; i++) {
        const g =
          this.gen === 0 || this.members.length === 0
            ? this.problem.sample(this.rng)
            : this.mutate(this.rng.pick(this.members).x);
        this.asked.push(this.problem.repair ? this.problem.repair(g, this.rng) : g);
      }
    }
    return this.asked.map((g) => [...g]);
  }

  /** @param {Genotype} x */
  mutate(x) {
    const { bounds } = this.problem;
    const rate = this.options.mutationRate ?? 1 / Math.max(1, bounds.length);
    const draw = (/** @type {number} */ k) => {
      const b = bounds[k];
      if (!b) return x[k] ?? 0;
      return this.problem.types?.[k] === 'real'
        ? b.low + this.rng.next() * (b.high - b.low)
        : this.rng.int(b.low, b.high);
    };
    const y = x.map((v, k) => (this.rng.next() < rate ? draw(k) : v));
    if (bounds.length > 0 && y.every((v, k) => v === x[k])) {
      const k = this.rng.int(0, bounds.length - 1);
      y[k] = draw(k);
    }
    return y;
  }

  /** @param {Evaluated[]} pool */
  tell(pool) {
    if (!this.asked) throw new MstfError('INVALID_ARGUMENT', '__EXTENSION_ID__: tell() without a pending ask()');
    this.members = survive(pool, this.options.population).map((m) => ({ ...m, x: [...m.x], F: [...m.F] }));
    this.gen += 1;
    this.asked = null;
  }

  population() {
    return this.members.map((m) => ({ ...m, x: [...m.x], F: [...m.F] }));
  }

  generation() {
    return this.gen;
  }

  state() {
    return {
      optimizer: '__EXTENSION_ID__',
      gen: this.gen,
      rng: this.rng.state(),
      members: this.population(),
      asked: this.asked,
    };
  }

  /** @param {any} s */
  restore(s) {
    if (s?.optimizer !== '__EXTENSION_ID__' || !Array.isArray(s.members)) {
      throw new MstfError('INVALID_ARGUMENT', '__EXTENSION_ID__: not a checkpoint of this optimizer');
    }
    this.gen = s.gen;
    this.rng = Rng.fromState(s.rng);
    this.members = s.members;
    this.asked = s.asked;
  }
}

export const optimizer = defineOptimizer({
  id: '__EXTENSION_ID__',
  description: 'mutation search with non-dominated survival (template of __PLUGIN_NAME__)',
  optionsSchema,
  create: (problem, options, seed) => new MutationSearch(problem, options, seed),
});

export default definePlugin({
  name: '__PLUGIN_NAME__',
  version: '0.1.0',
  apiVersion: '^1.0.0',
  provides: { optimizer: ['__EXTENSION_ID__'] },
  register(ctx) {
    ctx.add('optimizer', optimizer);
  },
});
