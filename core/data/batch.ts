import type { Batch, Dataset, DataLocation, Split, SplitData } from '../contracts/dataset.js';
import type { Kernel } from '../kernel/loader.js';
import { MstfError } from '../errors.js';
import type { Rng } from '../util/rng.js';
import { stripUndefined } from '../util/values.js';
import { checkNotEmpty, verifyDatasetFile } from './verify.js';

/** Gather the images and labels at `indices` into a normalised Batch. */
export function gatherBatch(
  data: SplitData,
  indices: ArrayLike<number>,
  dataset: Pick<Dataset, 'normalise' | 'info'>,
): Batch {
  const [, h, w, c] = data.shape;
  const per = h * w * c;
  const n = indices.length;
  const pixels = new Uint8Array(n * per);
  const labels = new Int32Array(n * data.labelWidth);
  for (let k = 0; k < n; k++) {
    const i = indices[k]!;
    pixels.set(data.images.subarray(i * per, (i + 1) * per), k * per);
    labels.set(data.labels.subarray(i * data.labelWidth, (i + 1) * data.labelWidth), k * data.labelWidth);
  }
  return {
    x: dataset.normalise(pixels),
    shape: [n, h, w, c],
    labels,
    labelWidth: data.labelWidth,
    task: dataset.info.task,
    classes: dataset.info.classes,
  };
}

/**
 * `n` distinct examples drawn uniformly with the seeded `rng` (without replacement; the whole split
 * when n >= its size), normalised by the dataset's recipe. Training-free indicators score one such batch.
 */
export function sampleBatch(data: SplitData, n: number, rng: Rng, dataset: Pick<Dataset, 'normalise' | 'info'>): Batch {
  const total = data.shape[0];
  if (!Number.isInteger(n) || n < 1)
    throw new MstfError('INVALID_ARGUMENT', `batch size must be a positive integer, got ${n}`);
  if (total === 0) throw new MstfError('DATA_CORRUPT', 'cannot sample a batch: the split has no images');
  const take = Math.min(n, total);
  // Partial Fisher-Yates: the first `take` slots end up a uniform sample without replacement.
  const idx = new Int32Array(total);
  for (let i = 0; i < total; i++) idx[i] = i;
  for (let i = 0; i < take; i++) {
    const j = i + Math.floor(rng.next() * (total - i));
    const t = idx[i]!;
    idx[i] = idx[j]!;
    idx[j] = t;
  }
  return gatherBatch(data, idx.subarray(0, take), dataset);
}

/**
 * One epoch of mini-batches: every example exactly once, shuffled by `rng` when given (call again for
 * the next epoch: the rng advances, so each epoch has a new order). The last batch may be smaller unless
 * `dropLast`.
 */
export function* batches(
  data: SplitData,
  batchSize: number,
  dataset: Pick<Dataset, 'normalise' | 'info'>,
  opts: { rng?: Rng; dropLast?: boolean } = {},
): Generator<Batch> {
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new MstfError('INVALID_ARGUMENT', `batch size must be a positive integer, got ${batchSize}`);
  }
  const total = data.shape[0];
  const order = Array.from({ length: total }, (_, i) => i);
  if (opts.rng) opts.rng.shuffle(order);
  for (let s = 0; s < total; s += batchSize) {
    const chunk = order.slice(s, s + batchSize);
    if (opts.dropLast && chunk.length < batchSize) break;
    yield gatherBatch(data, chunk, dataset);
  }
}

/**
 * Load one split of a registered dataset with the options it was booted with (mstf.config.json) and
 * the kernel's data directory; `overrides` (e.g. { size: 64 }) win over the configured options.
 */
export async function loadSplit(
  kernel: Pick<Kernel, 'registry' | 'optionsOf' | 'settings'>,
  datasetId: string,
  split: Split,
  overrides: Record<string, unknown> = {},
): Promise<{ dataset: Dataset; data: SplitData; loc: DataLocation }> {
  const dataset = kernel.registry('dataset').get(datasetId);
  const configured = (kernel.optionsOf('dataset', datasetId) ?? {}) as Record<string, unknown>;
  const loc: DataLocation = { dataDir: kernel.settings.dataDir };
  const opts = { ...configured, ...stripUndefined(overrides) } as { size?: number };
  await verifyDatasetFile(dataset, loc, opts.size ?? Math.min(...dataset.info.sizes), {
    strict: kernel.settings.strictData,
  });
  const data = await dataset.load(split, loc, opts);
  checkNotEmpty(dataset, split, data, loc);
  return { dataset, data, loc };
}
