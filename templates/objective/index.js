// @ts-check
// __PLUGIN_NAME__: an mstf plugin providing the objective builder "__EXTENSION_ID__" (created by `mstf plugin new`).
// Plain ESM JavaScript, no build step; `// @ts-check` and the JSDoc types give an editor mstf's types.
// Everything comes from 'mstf-nas' (the kit), zod included (`z`): the package needs no other dependency.
import { defineObjective, definePlugin, z } from 'mstf-nas';

/**
 * __EXTENSION_ID__: one objective per indicator, its min-max normalised score over the pool, negated (the search
 * minimises objectives and indicators are higher-is-better):
 *
 *     F[i][k] = -(s[i][k] - min_k) / (max_k - min_k)      (0 for every member when max_k = min_k)
 *
 * A missing or non-finite score is replaced by the pool's worst finite score of that indicator (the minimum,
 * or 0 when none is finite) and flagged. With `weight`, objective k is multiplied by weights[k] (default 1).
 * The pool is the whole merged population, so the builder is run again each generation.
 */
export const objective = defineObjective({
  id: '__EXTENSION_ID__',
  description: 'one negated min-max normalised objective per indicator (template of __PLUGIN_NAME__)',
  optionsSchema: z.object({
    weights: z.record(z.string(), z.number().positive()).default({}).describe('scale per indicator id (default 1)'),
  }),
  // nObjectives (one per indicator) and requiredScores (the indicators) are the kit's defaults.
  build(pool, indicators, options) {
    const F = pool.map(() => /** @type {number[]} */ ([]));
    const flagged = pool.map(() => /** @type {string[]} */ ([]));
    const normalised = pool.map(() => /** @type {Record<string, number>} */ ({}));
    for (const id of indicators) {
      const finite = pool.map((row) => row[id]).filter((v) => typeof v === 'number' && Number.isFinite(v));
      const worst = finite.length > 0 ? Math.min(.../** @type {number[]} */ (finite)) : 0;
      const best = finite.length > 0 ? Math.max(.../** @type {number[]} */ (finite)) : 0;
      const weight = options.weights[id] ?? 1;
      pool.forEach((row, i) => {
        const raw = row[id];
        const ok = typeof raw === 'number' && Number.isFinite(raw);
        if (!ok) flagged[i]?.push(id);
        const value = ok ? raw : worst;
        const n = best > worst ? (value - worst) / (best - worst) : 0;
        /** @type {Record<string, number>} */ (normalised[i])[id] = n;
        F[i]?.push(-weight * n);
      });
    }
    return { F, flagged, normalised };
  },
});

export default definePlugin({
  name: '__PLUGIN_NAME__',
  version: '0.1.0',
  apiVersion: '^1.0.0',
  provides: { objective: ['__EXTENSION_ID__'] },
  register(ctx) {
    ctx.add('objective', objective);
  },
});
