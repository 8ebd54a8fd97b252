import type { Dataset } from '../contracts/dataset.js';
import type { SearchSpace } from '../contracts/search-space.js';
import type { Engine } from '../contracts/engine.js';
import { MstfError } from '../errors.js';
import { estimateBytes, type MemoryPurpose } from '../memory/estimate.js';
import { Rng } from '../util/rng.js';
import { deriveSeed } from './seeds.js';

/** How many networks are sampled to find the lightest one the space can produce. */
const PROBES = 16;

/** The two estimates (core/memory/estimate.ts) an indicator batch is checked with. */
type IndicatorPurpose = Extract<MemoryPurpose, 'forward' | 'backward'>;

/**
 * Lightest estimate (bytes) for a batch of `batch` images at `size` over PROBES networks sampled
 * with `seed` (the same genotypes at every size, so sizes compare like for like).
 */
function lightestBytes(
  purpose: IndicatorPurpose,
  space: SearchSpace,
  options: unknown,
  dataset: Dataset,
  size: number,
  batch: number,
  seed: number,
): number {
  const instance = space.create(
    { inputShape: [size, size, dataset.info.channels], classes: dataset.info.classes },
    options,
  );
  const rng = new Rng(seed);
  let best = Infinity;
  for (let i = 0; i < PROBES; i++) {
    const g = instance.sample(rng);
    if (instance.isDegenerate(g)) continue;
    best = Math.min(best, estimateBytes(instance.decode(g), purpose, batch));
  }
  return best;
}

/**
 * Called when some indicator reads the data batch. On the wasm backend (4 GiB heap) a search at a size where
 * even the lightest of PROBES sampled networks cannot run the indicator batch would fail nearly every candidate:
 * backpropagating indicators are refused one by one by the runner (estimate: 'backward'), and a forward-only
 * one (jacob_cov) that overflows the heap aborts the wasm module and with it the process (estimate:
 * 'forward'). Refuse it up front instead, naming the largest of the dataset's sizes that fits and the
 * largest batch at this size. Other backends are not limited here.
 */
export function checkSearchMemory(p: {
  space: SearchSpace;
  spaceOptions: unknown;
  dataset: Dataset;
  size: number;
  batchSize: number;
  seed: number;
  backend?: string;
  /** The engine that will run it (its memoryLimit for the backend `backend` resolves to). */
  engine: Engine;
  /** Some data indicator backpropagates (else all of them are forward only). */
  backward: boolean;
}): void {
  const limit = p.engine.memoryLimit(p.engine.resolveBackend(p.backend).name);
  if (!limit) return;
  const budget = limit.bytes;
  const seed = deriveSeed(p.seed, 'memory-probe');
  const purpose: IndicatorPurpose = p.backward ? 'backward' : 'forward';
  const what = p.backward ? 'to backpropagate' : 'for a forward pass';
  const bytes = lightestBytes(purpose, p.space, p.spaceOptions, p.dataset, p.size, p.batchSize, seed);
  if (bytes <= budget) return;
  const fits = [...p.dataset.info.sizes]
    .filter((s) => s < p.size)
    .sort((a, b) => b - a)
    .find((s) => lightestBytes(purpose, p.space, p.spaceOptions, p.dataset, s, p.batchSize, seed) <= budget);
  const maxBatch = Math.floor((budget / bytes) * p.batchSize);
  const gib = (b: number) => (b / 2 ** 30).toFixed(1);
  throw new MstfError(
    'INVALID_ARGUMENT',
    `a search at ${p.size}x${p.size} with an indicator batch of ${p.batchSize} needs at least ${gib(bytes)} GiB ${what} ` +
      `(lightest of ${PROBES} sampled networks), over the ${limit.backend} backend's ${gib(budget)} GiB budget; ` +
      [
        fits !== undefined ? `use --size ${fits}` : undefined,
        maxBatch >= 1 ? `--batch-size ${maxBatch} or less` : undefined,
        'fewer --channels',
        `or the ${limit.alternative} backend`,
      ]
        .filter(Boolean)
        .join(', '),
  );
}
