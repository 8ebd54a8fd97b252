import { z } from 'zod';
import { MstfError, zodLine } from '../errors.js';

/**
 * Budgets and sizes of the presets. `generations` counts the initial population as generation 0, as
 * pymoo's n_gen (which NSGA-Net uses) does: a search evaluates population + offspring x (generations - 1)
 * candidates.
 * - cpu: minutes on a 2-core laptop with the wasm backend (C0 = 16, 28x28 inputs).
 * - paper: NSGA-Net's NSGA-II settings (population 40, 40 offspring, 30 generations) and C0 = 128.
 */
export const PRESETS = {
  cpu: { population: 16, offspring: 16, generations: 6, channels: 16, batchSize: 32 },
  paper: { population: 40, offspring: 40, generations: 30, channels: 128, batchSize: 64 },
} as const;
export type PresetName = keyof typeof PRESETS;

const positiveInt = (what: string, max: number) =>
  z
    .number({ message: `${what} must be a number` })
    .int({ message: `${what} must be an integer` })
    .min(1, { message: `${what} must be at least 1` })
    .max(max, { message: `${what} must be at most ${max}` });

/** Input of a search (CLI flags, MCP start_search). Defaults: the paper's indicators on BreastMNIST. */
export const SearchConfigSchema = z.strictObject({
  dataset: z.string().min(1).default('breastmnist').describe('dataset id (mstf datasets list)'),
  space: z.string().min(1).default('mstf').describe('search space id'),
  indicators: z
    .array(z.string().min(1))
    .min(1, { message: 'indicators: give at least one indicator id' })
    .default(['jacob_cov', 'synflow'])
    .describe('training-free indicators p1, p2 (Eq. 5)'),
  objective: z.string().min(1).default('mstf-eq5').describe('objective builder id'),
  optimizer: z.string().min(1).default('nsga2').describe('optimizer id'),
  executor: z
    .string()
    .min(1)
    .default('pool')
    .describe('executor id: local, pool (worker threads) or bullmq (Redis workers)'),
  population: positiveInt('population', 10_000).optional().describe('population size (preset default)'),
  offspring: positiveInt('offspring', 10_000).optional().describe('offspring per generation (preset default)'),
  generations: positiveInt('generations', 10_000)
    .optional()
    .describe('generations, the initial population being generation 0 (preset default)'),
  channels: positiveInt('channels', 4096).optional().describe('initial channels C0 (preset default)'),
  blocks: positiveInt('blocks', 16).optional().describe('blocks (default: the search space default)'),
  batchSize: positiveInt('batchSize', 4096).optional().describe('images in the fixed indicator batch (preset default)'),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .default(0)
    .describe('search seed (optimizer, batch, network init)'),
  preset: z.enum(['cpu', 'paper']).default('cpu').describe('cpu: minutes on a laptop; paper: the paper settings'),
  size: positiveInt('size', 4096).optional().describe('image size (default: the dataset smallest size)'),
  dataDir: z.string().min(1).optional().describe('dataset directory (default: the settings data dir)'),
});
export type SearchConfigInput = z.input<typeof SearchConfigSchema>;

/** A search config with the preset applied: every budget is explicit and stored with the search. */
export interface ResolvedSearchConfig {
  dataset: string;
  space: string;
  indicators: string[];
  objective: string;
  optimizer: string;
  executor: string;
  population: number;
  offspring: number;
  generations: number;
  channels: number;
  blocks?: number;
  batchSize: number;
  seed: number;
  preset: PresetName;
  size?: number;
  dataDir?: string;
}

/** Validate the input and fill budgets from the preset (explicit values win). One-line MstfError on bad input. */
export function resolveSearchConfig(input: unknown): ResolvedSearchConfig {
  const r = SearchConfigSchema.safeParse(input ?? {});
  if (!r.success) throw new MstfError('INVALID_ARGUMENT', `search config: ${zodLine(r.error)}`);
  const c = r.data;
  const preset = PRESETS[c.preset];
  const indicators = [...new Set(c.indicators)];
  if (indicators.length !== c.indicators.length) {
    throw new MstfError(
      'INVALID_ARGUMENT',
      `search config: indicators: each indicator may appear once (${c.indicators.join(', ')})`,
    );
  }
  const resolved: ResolvedSearchConfig = {
    dataset: c.dataset,
    space: c.space,
    indicators,
    objective: c.objective,
    optimizer: c.optimizer,
    executor: c.executor,
    population: c.population ?? preset.population,
    offspring: c.offspring ?? preset.offspring,
    generations: c.generations ?? preset.generations,
    channels: c.channels ?? preset.channels,
    batchSize: c.batchSize ?? preset.batchSize,
    seed: c.seed,
    preset: c.preset,
  };
  if (c.blocks !== undefined) resolved.blocks = c.blocks;
  if (c.size !== undefined) resolved.size = c.size;
  if (c.dataDir !== undefined) resolved.dataDir = c.dataDir;
  return resolved;
}

/** Evaluations a search makes in total. */
export function totalEvaluations(c: Pick<ResolvedSearchConfig, 'population' | 'offspring' | 'generations'>): number {
  return c.population + c.offspring * (c.generations - 1);
}
