import { MstfError } from '../errors.js';
import { withBudget } from '../kernel/options.js';
import type { Kernel } from '../kernel/loader.js';
import type { Batch, Dataset } from '../contracts/dataset.js';
import type { Executor } from '../contracts/executor.js';
import type { Indicator } from '../contracts/indicator.js';
import type { ObjectiveBuilder } from '../contracts/objective.js';
import type { Optimizer, Problem } from '../contracts/optimizer.js';
import type { Genotype, SpaceInstance } from '../contracts/search-space.js';
import type { FeatureShape } from '../ir/types.js';
import type { ArchRequest } from '../arch/describe.js';
import { loadSplit, sampleBatch } from '../data/batch.js';
import { Rng } from '../util/rng.js';
import type { ResolvedSearchConfig } from './config.js';
import { batchSeed } from './seeds.js';
import { checkSearchMemory } from './memory-guard.js';
import { engineOf } from '../engine/select.js';
import { mstfVersion, type BatchSource, type EvaluationSpec } from '../evaluation/spec.js';

/** What the search service needs from a booted kernel. */
export type SearchKernel = Pick<Kernel, 'registry' | 'optionsOf' | 'settings' | 'plugins' | 'boot'>;

/** Everything a search uses, resolved and validated from its config (no data loaded yet). */
export interface SearchSetup {
  config: ResolvedSearchConfig;
  dataset: Dataset;
  /** Image size the networks are built for. */
  size: number;
  inputShape: FeatureShape;
  space: SpaceInstance;
  /** The space's validated options (C0, blocks, ...) and the class count it builds for. */
  spaceOptions: Record<string, unknown>;
  classes: number;
  objective: ObjectiveBuilder;
  objectiveOptions: unknown;
  /** Every raw score the objective needs (the user's indicators plus e.g. flops), in order. */
  scoreIds: string[];
  indicators: Record<string, Indicator>;
  indicatorOptions: Record<string, unknown>;
  /** Some indicator reads images: a batch is sampled once per search. */
  needsData: boolean;
  optimizer: Optimizer;
  optimizerOptions: unknown;
  executor: Executor;
  nObjectives: number;
  dataDir: string;
}

/**
 * Resolve every extension a search names and validate its options, the indicator list against the
 * objective, and that the data is present. Throws one-line MstfErrors; loads no data.
 */
export function resolveSetup(
  kernel: SearchKernel,
  config: ResolvedSearchConfig,
  opts: { checkData?: boolean } = {},
): SearchSetup {
  const dataset = kernel.registry('dataset').get(config.dataset);
  const info = dataset.info;
  const size = config.size ?? Math.min(...info.sizes);
  if (!info.sizes.includes(size)) {
    throw new MstfError(
      'INVALID_ARGUMENT',
      `dataset ${config.dataset} has no image size ${size} (sizes: ${info.sizes.join(', ')})`,
    );
  }
  const dataDir = config.dataDir ?? kernel.settings.dataDir;
  const inputShape: FeatureShape = [size, size, info.channels];

  const spaceExt = kernel.registry('searchSpace').get(config.space);
  // Budget knobs reach the space and the optimizer only through their own `budget` declarations.
  const spaceOptions = withBudget(
    kernel,
    'searchSpace',
    config.space,
    { explicit: { blocks: config.blocks }, presets: { channels: config.channels } },
    'search space',
  );
  const space = spaceExt.create({ inputShape, classes: info.classes }, spaceOptions);

  const objective = kernel.registry('objective').get(config.objective);
  const objectiveOptions = kernel.optionsOf('objective', config.objective);
  const nObjectives = objective.nObjectives(config.indicators);
  const scoreIds = objective.requiredScores(config.indicators);

  const indicators: Record<string, Indicator> = {};
  const indicatorOptions: Record<string, unknown> = {};
  const registry = kernel.registry('indicator');
  for (const id of scoreIds) {
    if (!registry.has(id)) {
      const known = registry.ids().sort().join(', ') || 'none';
      throw new MstfError('UNKNOWN_EXTENSION', `unknown indicator "${id}" (known: ${known})`);
    }
    indicators[id] = registry.get(id);
    indicatorOptions[id] = kernel.optionsOf('indicator', id);
  }
  const needsData = Object.values(indicators).some((i) => i.needs.data);

  const optimizer = kernel.registry('optimizer').get(config.optimizer);
  const optimizerOptions = withBudget(
    kernel,
    'optimizer',
    config.optimizer,
    { presets: { population: config.population, offspring: config.offspring } },
    'optimizer',
  );
  const executor = kernel.registry('executor').get(config.executor);

  if ((opts.checkData ?? true) && needsData && !dataset.isPresent({ dataDir }, size)) {
    throw new MstfError(
      'DATA_NOT_FOUND',
      `dataset ${config.dataset} (size ${size}) is not in ${dataDir}; run \`mstf datasets fetch ${config.dataset}\``,
    );
  }
  // Large inputs (CBIS-DDSM at 800x800) on wasm: refuse up front rather than fail every candidate.
  if ((opts.checkData ?? true) && needsData) {
    const backward = Object.values(indicators).some((i) => i.needs.data && i.needs.backward);
    checkSearchMemory({
      space: spaceExt,
      spaceOptions,
      dataset,
      size,
      batchSize: config.batchSize,
      seed: config.seed,
      backend: kernel.settings.backend,
      engine: engineOf(kernel),
      backward,
    });
  }
  return {
    config,
    dataset,
    size,
    inputShape,
    space,
    spaceOptions: spaceOptions as Record<string, unknown>,
    classes: info.classes,
    objective,
    objectiveOptions,
    scoreIds,
    indicators,
    indicatorOptions,
    needsData,
    optimizer,
    optimizerOptions,
    executor,
    nObjectives,
    dataDir,
  };
}

/** The one fixed indicator batch of a search: train split, `batchSize` images drawn with the search seed. */
export async function loadSearchBatch(kernel: SearchKernel, setup: SearchSetup): Promise<Batch | undefined> {
  if (!setup.needsData) return undefined;
  const k: SearchKernel = { ...kernel, settings: { ...kernel.settings, dataDir: setup.dataDir } };
  const { dataset, data } = await loadSplit(k, setup.config.dataset, 'train', { size: setup.size });
  return sampleBatch(data, setup.config.batchSize, new Rng(batchSeed(setup.config.seed)), dataset);
}

/**
 * The evaluation spec of a search: what a worker needs to score its candidates exactly as this process would.
 * `batch`: the loaded indicator batch (sent as arrays), or 'dataset' (workers draw it again with the same seed).
 */
export function evaluationSpec(
  setup: SearchSetup,
  kernel: Pick<Kernel, 'boot' | 'settings'>,
  batch: Batch | undefined | 'dataset',
): EvaluationSpec {
  let source: BatchSource | null = null;
  if (setup.needsData) {
    if (batch === 'dataset') {
      source = {
        source: 'dataset',
        dataset: setup.config.dataset,
        split: 'train',
        size: setup.size,
        count: setup.config.batchSize,
        seed: batchSeed(setup.config.seed),
        dataDir: setup.dataDir,
      };
    } else {
      if (!batch) throw new MstfError('INTERNAL', 'evaluationSpec: the search needs data but no batch was loaded');
      source = { source: 'arrays', batch };
    }
  }
  const { boot, settings } = kernel;
  return {
    mstfVersion: mstfVersion(),
    plugins: boot.plugins.map((p) => ({ name: p.name, version: p.version })),
    boot: {
      cwd: settings.cwd,
      config: boot.config,
      extraPlugins: boot.extraPlugins,
      dataDir: settings.dataDir,
      ...(settings.backend ? { backend: settings.backend } : {}),
      ...(settings.engine ? { engine: settings.engine } : {}),
    },
    space: { id: setup.config.space, options: setup.spaceOptions },
    inputShape: setup.inputShape,
    classes: setup.classes,
    scores: setup.scoreIds.map((id) => ({ id, options: setup.indicatorOptions[id] })),
    seed: setup.config.seed,
    batch: source,
  };
}

/** The `mstf arch` request for a genotype of this search (same space, options, input shape and classes). */
export function archRequest(setup: SearchSetup, genotype: string): ArchRequest {
  return {
    space: setup.config.space,
    genotype,
    inputShape: setup.inputShape,
    classes: setup.classes,
    options: setup.spaceOptions,
  };
}

/** Tries before giving up on a non-degenerate resample in repair. */
const REPAIR_TRIES = 1000;

/**
 * The optimizer's view of the space. Degenerate genotypes (constant-output networks, infeasible) are
 * resampled by repair; any that remain are ranked below every feasible one by constraint-domination.
 */
export function makeProblem(setup: SearchSetup): Problem {
  const { space } = setup;
  return {
    bounds: space.bounds,
    nObjectives: setup.nObjectives,
    sample: (rng) => space.sample(rng),
    key: (x: Genotype) => space.hash(x),
    repair: (x: Genotype, rng: Rng) => {
      if (!space.isDegenerate(x)) return x;
      for (let i = 0; i < REPAIR_TRIES; i++) {
        const y = space.sample(rng);
        if (!space.isDegenerate(y)) return y;
      }
      return x;
    },
  };
}
