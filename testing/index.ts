/**
 * Test helpers of the plugin kit (`import { ... } from 'mstf-nas/testing'`), for a plugin's own tests under
 * `node --test` or any runner: boot the real kernel with the built-in plugins plus the plugin under test, a
 * tiny network, a random batch, and one indicator scored the way `mstf proxies score` scores it.
 * This sits outside core/ because it loads the built-in plugins (core never imports a plugin).
 */
import 'reflect-metadata';
import {
  bootKernel,
  engineOf,
  IRBuilder,
  MstfError,
  resolveSettings,
  Rng,
  scoreArchitecture,
  type Batch,
  type FeatureShape,
  type IndicatorDetails,
  type Kernel,
  type MstfConfig,
  type NetworkIR,
  type PluginManifest,
  type TaskType,
} from '../core/index.js';
import { builtinPlugins } from '../plugins/index.js';

export interface TestKernelOptions {
  /** mstf.config.json content (options, pluginConfig); default: none (the working directory's file is not read). */
  config?: MstfConfig;
  /** Tensor backend (default: MSTF_BACKEND, else `cpu`: no native module needed, same numbers everywhere). */
  backend?: string;
  /** Working directory (relative plugin paths, the run store); default: process.cwd(). */
  cwd?: string;
}

/** A kernel with the built-in plugins and `plugins` (manifests, as a plugin's index.js exports them). */
export async function bootTestKernel(
  plugins: PluginManifest<any> | PluginManifest<any>[] = [],
  opts: TestKernelOptions = {},
): Promise<Kernel> {
  const settings = resolveSettings({
    ...(opts.cwd ? { cwd: opts.cwd } : {}),
    backend: opts.backend ?? process.env.MSTF_BACKEND ?? 'cpu',
  });
  const kernel = await bootKernel({
    settings,
    builtins: [...builtinPlugins, ...(Array.isArray(plugins) ? plugins : [plugins])],
    config: opts.config ?? {},
  });
  await engineOf(kernel).ready(settings.backend);
  return kernel;
}

export interface TinyNetworkOptions {
  /** Input [height, width, channels]; default [8, 8, 3]. */
  inputShape?: FeatureShape;
  /** Filters of the conv; default 4. */
  filters?: number;
  /** Outputs of the classifier; default 2. */
  classes?: number;
}

/**
 * input -> conv 3x3 (same, no bias) -> batchnorm -> relu -> max pool 2 -> global average pool -> dense:
 * one of each op most indicators care about. Parameters: conv `conv/weight` [3, 3, C, filters], batchnorm
 * `bn/gamma`, `bn/beta` (+ running statistics), dense `fc/weight` [filters, classes] and `fc/bias`.
 */
export function tinyNetwork(opts: TinyNetworkOptions = {}): NetworkIR {
  const inputShape = opts.inputShape ?? [8, 8, 3];
  const b = new IRBuilder();
  const x = b.input('input', inputShape);
  const c = b.conv('conv', x, { filters: opts.filters ?? 4, kernel: 3, stride: 1, padding: 'same', bias: false });
  const n = b.bn('bn', c);
  const r = b.relu('relu', n);
  const p = b.pool('pool', r, { mode: 'max', window: 2, stride: 2, padding: 'valid' });
  const g = b.gap('gap', p);
  return b.build(b.dense('fc', g, opts.classes ?? 2, true));
}

export interface RandomBatchOptions {
  /** Examples; default 4. */
  n?: number;
  /** [height, width, channels]; default [8, 8, 3] (tinyNetwork's input). */
  shape?: FeatureShape;
  classes?: number;
  task?: TaskType;
  seed?: number;
}

/** Standard-normal pixels and uniform labels, reproducible from the seed. */
export function randomBatch(opts: RandomBatchOptions = {}): Batch {
  const n = opts.n ?? 4;
  const [h, w, c] = opts.shape ?? [8, 8, 3];
  const classes = opts.classes ?? 2;
  const rng = new Rng(opts.seed ?? 0);
  const x = new Float32Array(n * h * w * c);
  for (let i = 0; i < x.length; i++) x[i] = rng.normal();
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) labels[i] = rng.int(0, classes - 1);
  return { x, shape: [n, h, w, c], labels, labelWidth: 1, task: opts.task ?? 'multi-class', classes };
}

export interface ScoreIndicatorOptions {
  /** Default: tinyNetwork(). */
  ir?: NetworkIR;
  /** Seed of the network's initialisation; default 0. */
  seed?: number;
  /** Needed by indicators with needs.data; default for those: randomBatch() shaped like the IR's input. */
  batch?: Batch;
  /** Options for the indicator (validated with its schema over the booted ones); default: the booted ones. */
  options?: Record<string, unknown>;
  /** Engine id; default: the kernel's (Settings.engine, else `tfjs`). */
  engine?: string;
}

export interface IndicatorScore {
  score: number;
  details: IndicatorDetails;
}

/**
 * Score one registered indicator on a network as `mstf proxies score` does (compiled once with the seed by the
 * engine, the indicator runner's checks, tensor-leak accounting). A failing indicator throws its error line.
 */
export async function scoreIndicator(
  kernel: Kernel,
  id: string,
  opts: ScoreIndicatorOptions = {},
): Promise<IndicatorScore> {
  const indicator = kernel.registry('indicator').get(id);
  const ir = opts.ir ?? tinyNetwork();
  let options = kernel.optionsOf('indicator', id);
  if (opts.options !== undefined) {
    const merged = { ...(options as Record<string, unknown>), ...opts.options };
    const parsed = indicator.optionsSchema
      ? indicator.optionsSchema.safeParse(merged)
      : { success: true, data: merged };
    if (!parsed.success) throw new MstfError('INVALID_ARGUMENT', `indicator ${id}: invalid options`);
    options = parsed.data;
  }
  let batch = opts.batch;
  if (!batch && indicator.needs.data) {
    const input = ir.nodes.find((node) => node.op === 'input');
    const output = ir.nodes.find((node) => node.id === ir.output);
    batch = randomBatch({
      ...(input?.op === 'input' ? { shape: input.shape } : {}),
      ...(output?.op === 'dense' ? { classes: output.units } : {}),
      seed: opts.seed ?? 0,
    });
  }
  const engine = engineOf(kernel, opts.engine);
  const { scores, details } = await scoreArchitecture({
    ir,
    indicators: [indicator],
    optionsById: { [id]: options },
    ...(batch ? { batch } : {}),
    seed: opts.seed ?? 0,
    engine,
  });
  const row = details[id]!;
  if (row.error !== undefined) throw new MstfError('INTERNAL', `indicator ${id} failed: ${row.error}`);
  return { score: scores[id]!, details: row };
}
