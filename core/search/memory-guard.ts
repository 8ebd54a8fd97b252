import type { Dataset } from '../contracts/dataset.js';
import type { SearchSpace } from '../contracts/search-space.js';
import { resolveBackend } from '../engine/backend.js';
import { MstfError } from '../errors.js';
import { backpropBytes, WASM_BACKPROP_LIMIT_BYTES } from '../indicators/runner.js';
import { Rng } from '../util/rng.js';
import { deriveSeed } from './seeds.js';

/** How many networks are sampled to find the lightest one the space can produce. */
const PROBES = 16;

/**
 * Lightest backprop estimate (bytes) for a batch of `batch` images at `size` over PROBES networks sampled
 * with `seed` (the same genotypes at every size, so sizes compare like for like).
 */
function lightestBytes(space: SearchSpace, options: unknown, dataset: Dataset, size: number, batch: number, seed: number): number {
  const instance = space.create({ inputShape: [size, size, dataset.info.channels], classes: dataset.info.classes }, options);
  const rng = new Rng(seed);
  let best = Infinity;
  for (let i = 0; i < PROBES; i++) {
    const g = instance.sample(rng);
    if (instance.isDegenerate(g)) continue;
    best = Math.min(best, backpropBytes(instance.decode(g), batch));
  }
  return best;
}

/**
 * Called when some indicator backpropagates the data batch (the runner's own per-candidate check applies to
 * exactly those). A search whose such indicators run on the wasm backend (4 GiB heap) at a size where even the lightest of
 * PROBES sampled networks cannot backpropagate the indicator batch would record an error for nearly every
 * candidate (the runner refuses such batches one by one). Refuse it up front instead, naming the largest of the
 * dataset's sizes that fits and the largest batch at this size. Other backends are not limited here.
 */
export function checkSearchMemory(p: {
  space: SearchSpace;
  spaceOptions: unknown;
  dataset: Dataset;
  size: number;
  batchSize: number;
  seed: number;
  backend?: string;
}): void {
  if (resolveBackend(p.backend).name !== 'wasm') return;
  const seed = deriveSeed(p.seed, 'memory-probe');
  const bytes = lightestBytes(p.space, p.spaceOptions, p.dataset, p.size, p.batchSize, seed);
  if (bytes <= WASM_BACKPROP_LIMIT_BYTES) return;
  const fits = [...p.dataset.info.sizes]
    .filter((s) => s < p.size)
    .sort((a, b) => b - a)
    .find((s) => lightestBytes(p.space, p.spaceOptions, p.dataset, s, p.batchSize, seed) <= WASM_BACKPROP_LIMIT_BYTES);
  const maxBatch = Math.floor((WASM_BACKPROP_LIMIT_BYTES / bytes) * p.batchSize);
  const gib = (b: number) => (b / 2 ** 30).toFixed(1);
  throw new MstfError(
    'INVALID_ARGUMENT',
    `a search at ${p.size}x${p.size} with an indicator batch of ${p.batchSize} needs at least ${gib(bytes)} GiB to backpropagate ` +
      `(lightest of ${PROBES} sampled networks), over the wasm backend's ${gib(WASM_BACKPROP_LIMIT_BYTES)} GiB budget; ` +
      [fits !== undefined ? `use --size ${fits}` : undefined, maxBatch >= 1 ? `--batch-size ${maxBatch} or less` : undefined, 'fewer --channels', 'or the tensorflow backend']
        .filter(Boolean)
        .join(', '),
  );
}
