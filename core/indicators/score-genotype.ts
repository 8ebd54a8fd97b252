/**
 * `mstf proxies score` and the MCP server: score one genotype of a registered search space with registered
 * indicators, on a batch of a registered dataset when an indicator reads data.
 */
import { MstfError } from '../errors.js';
import { Rng } from '../util/rng.js';
import { engineOf } from '../engine/select.js';
import { loadSplit, sampleBatch } from '../data/batch.js';
import { resolveArchitecture } from '../arch/describe.js';
import type { Batch } from '../contracts/dataset.js';
import type { IndicatorDetails } from '../contracts/indicator.js';
import type { FeatureShape } from '../ir/types.js';
import type { Kernel } from '../kernel/loader.js';
import { scoreArchitecture } from './runner.js';
import { dataIndicators, selectIndicators, type SelectedIndicators } from './select.js';

export const DEFAULT_BATCH_SIZE = 64;

export interface ProxyScoreRequest {
  space: string;
  genotype: string;
  /** Dataset id; required when a selected indicator reads data. Its image shape and classes shape the network. */
  dataset?: string;
  /** "all" or "a,b,c". */
  indicators: string;
  batchSize?: number;
  seed?: number;
  /** Space options merged over the booted ones (e.g. { channels: 128 }). */
  spaceOptions?: Record<string, unknown>;
}

export interface ProxyScoreResult {
  space: string;
  genotype: string;
  hash: string;
  degenerate: boolean;
  inputShape: FeatureShape;
  classes: number;
  dataset: string | null;
  batchSize: number | null;
  seed: number;
  scores: Record<string, number | null>;
  details: Record<string, IndicatorDetails>;
}

type ScoreKernel = Pick<Kernel, 'registry' | 'optionsOf' | 'settings'>;

/** Error naming the data indicators when no dataset was given. */
export function requireDatasetFor(selected: SelectedIndicators, dataset: string | undefined): void {
  const needData = dataIndicators(selected.indicators);
  if (needData.length > 0 && !dataset) {
    throw new MstfError(
      'INVALID_ARGUMENT',
      `indicator${needData.length > 1 ? 's' : ''} ${needData.join(', ')} ${needData.length > 1 ? 'read' : 'reads'} images: give --dataset <id> (e.g. breastmnist) or choose data-free ones (synflow, flops, params)`,
    );
  }
}

/** One seeded batch of the dataset's training split, and the network input it implies. */
export async function datasetBatch(
  kernel: ScoreKernel,
  datasetId: string,
  batchSize: number,
  seed: number,
): Promise<{ batch: Batch; inputShape: FeatureShape; classes: number }> {
  const { dataset, data } = await loadSplit(kernel, datasetId, 'train');
  const batch = sampleBatch(data, batchSize, new Rng(seed), dataset);
  const [, h, w, c] = data.shape;
  return { batch, inputShape: [h, w, c], classes: dataset.info.classes };
}

export async function scoreGenotype(
  kernel: ScoreKernel,
  req: ProxyScoreRequest,
  onProgress?: (e: { indicator: string; index: number; total: number }) => void,
): Promise<ProxyScoreResult> {
  const seed = req.seed ?? 0;
  const batchSize = req.batchSize ?? DEFAULT_BATCH_SIZE;
  const selected = selectIndicators(kernel, req.indicators);
  requireDatasetFor(selected, req.dataset);
  const fromData = req.dataset ? await datasetBatch(kernel, req.dataset, batchSize, seed) : undefined;
  const { instance, genes, inputShape, classes } = resolveArchitecture(kernel, {
    space: req.space,
    genotype: req.genotype,
    ...(req.spaceOptions ? { options: req.spaceOptions } : {}),
    ...(fromData ? { inputShape: fromData.inputShape, classes: fromData.classes } : {}),
  });
  const ir = instance.decode(genes);
  const engine = engineOf(kernel);
  await engine.ready(kernel.settings.backend);
  const { scores, details } = await scoreArchitecture({
    ir,
    indicators: selected.indicators,
    optionsById: selected.optionsById,
    ...(fromData ? { batch: fromData.batch } : {}),
    seed,
    engine,
    ...(onProgress ? { onProgress } : {}),
  });
  return {
    space: req.space,
    genotype: instance.format(genes),
    hash: instance.hash(genes),
    degenerate: instance.isDegenerate(genes),
    inputShape,
    classes,
    dataset: req.dataset ?? null,
    batchSize: fromData ? fromData.batch.shape[0] : null,
    seed,
    scores,
    details,
  };
}
