/**
 * `npm run bench -- search-candidate [preset] [n]`: seconds per candidate evaluation of a search (decode,
 * FLOPs, network init, every indicator of the objective on the fixed batch), as `mstf search` runs it. The cpu
 * preset's budget is chosen from this number (docs/decisions.md, "Search and run store").
 */
import 'reflect-metadata';
import { bootKernel, resolveSettings } from '../core/kernel/index.js';
import { ensureBackend } from '../plugins/engine-tfjs/backend.js';
import { resolveSearchConfig } from '../core/search/config.js';
import { evaluationSpec, loadSearchBatch, resolveSetup } from '../core/search/setup.js';
import { contextFromSpec, evaluateGenotype } from '../core/evaluation/context.js';
import { Rng } from '../core/util/rng.js';
import { builtinPlugins } from '../plugins/index.js';

const preset = (process.argv[3] ?? 'cpu') as 'cpu' | 'paper';
const n = Number(process.argv[4] ?? 8);
const kernel = await bootKernel({ settings: resolveSettings(), builtins: builtinPlugins });
const backend = await ensureBackend(kernel.settings.backend);
const config = resolveSearchConfig({ preset });
const setup = resolveSetup(kernel, config);
const batch = await loadSearchBatch(kernel, setup);
const ctx = await contextFromSpec(kernel, evaluationSpec(setup, kernel, batch), kernel.settings.dataDir);
const rng = new Rng(1);
const times: number[] = [];
const perIndicator: Record<string, number[]> = {};
for (let i = 0; i < n; i++) {
  const ev = await evaluateGenotype(ctx, setup.space.format(setup.space.sample(rng)));
  times.push(ev.ms);
  for (const [id, d] of Object.entries(ev.details)) {
    perIndicator[id] ??= [];
    perIndicator[id].push((d as { ms: number }).ms);
  }
}
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
console.log(
  `backend ${backend.name}, preset ${preset}: C0=${config.channels}, batch ${config.batchSize}, ${config.indicators.join('+')}`,
);
console.log(
  `candidate: mean ${(mean(times) / 1000).toFixed(2)} s over ${n} (min ${(Math.min(...times) / 1000).toFixed(2)}, max ${(Math.max(...times) / 1000).toFixed(2)})`,
);
for (const [id, ms] of Object.entries(perIndicator)) console.log(`  ${id}: ${(mean(ms) / 1000).toFixed(3)} s`);
const total = config.population + config.offspring * (config.generations - 1);
console.log(
  `estimated search: ${total} candidates x ${(mean(times) / 1000).toFixed(2)} s = ${((total * mean(times)) / 60000).toFixed(1)} min`,
);
