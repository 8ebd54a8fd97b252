import type { Dataset } from '../contracts/dataset.js';
import type { SearchSpace } from '../contracts/search-space.js';
import type { Engine } from '../contracts/engine.js';
import { MstfError } from '../errors.js';
import type { NetworkIR } from '../ir/types.js';
import { inferShapes } from '../ir/shapes.js';
import { backpropBytes } from '../indicators/runner.js';
import { Rng } from '../util/rng.js';
import { deriveSeed } from './seeds.js';

/** How many networks are sampled to find the lightest one the space can produce. */
const PROBES = 16;

/**
 * A forward pass frees each activation once its consumers ran, so its peak is a few of the largest activations
 * at once: 3 x the largest node output x batch x 4 bytes (an op's input, its output, and one skip). Measured:
 * jacob_cov (forward only) on a sampled mstf network at 800x800, C0 = 16, batch 32 aborts the wasm module and the
 * process (estimate 11.0 GiB, peak RSS 4.2 GB); the same network at 224x224 is 0.86 GiB.
 */
export function forwardPeakBytes(ir: NetworkIR, n: number): number {
  let largest = 0;
  for (const shape of inferShapes(ir).values())
    largest = Math.max(
      largest,
      shape.reduce((a, b) => a * b, 1),
    );
  return 3 * largest * n * 4;
}

export type MemoryEstimate = (ir: NetworkIR, n: number) => number;

/**
 * Lightest estimate (bytes) for a batch of `batch` images at `size` over PROBES networks sampled
 * with `seed` (the same genotypes at every size, so sizes compare like for like).
 */
function lightestBytes(
  estimate: MemoryEstimate,
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
    best = Math.min(best, estimate(instance.decode(g), batch));
  }
  return best;
}

/**
 * Called when some indicator reads the data batch. On the wasm backend (4 GiB heap) a search at a size where
 * even the lightest of PROBES sampled networks cannot run the indicator batch would fail nearly every candidate:
 * backpropagating indicators are refused one by one by the runner (estimate: backpropBytes), and a forward-only
 * one (jacob_cov) that overflows the heap aborts the wasm module and with it the process (estimate:
 * forwardPeakBytes). Refuse it up front instead, naming the largest of the dataset's sizes that fits and the
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
  const estimate: MemoryEstimate = p.backward ? backpropBytes : forwardPeakBytes;
  const what = p.backward ? 'to backpropagate' : 'for a forward pass';
  const bytes = lightestBytes(estimate, p.space, p.spaceOptions, p.dataset, p.size, p.batchSize, seed);
  if (bytes <= budget) return;
  const fits = [...p.dataset.info.sizes]
    .filter((s) => s < p.size)
    .sort((a, b) => b - a)
    .find((s) => lightestBytes(estimate, p.space, p.spaceOptions, p.dataset, s, p.batchSize, seed) <= budget);
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
