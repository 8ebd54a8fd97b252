/**
 * Architecture summaries shared by the CLI (`mstf arch show|draw`) and the MCP server: resolve a space
 * from the kernel, parse the user's genotype text, decode, cost, hash and draw.
 */
import { MstfError, zodLine } from '../errors.js';
import type { Kernel } from '../kernel/loader.js';
import type { FeatureShape, IROp, NodeShape } from '../ir/types.js';
import type { Genotype, SpaceInstance } from '../contracts/search-space.js';
import { layerCosts } from '../ir/cost.js';

export interface ArchRequest {
  /** Search-space id, e.g. "mstf" or "nb201". */
  space: string;
  /** Genotype text ("1,0,3,..." or a space-specific form such as an NB201 cell string) or integers. */
  genotype: string | Genotype;
  /** Default: the space's defaultContext (mstf 28x28x1, nb201 32x32x3). */
  inputShape?: FeatureShape;
  /** Default: the space's defaultContext (mstf 2, nb201 10). */
  classes?: number;
  /** Merged over the options the space was booted with (mstf.config.json), then validated. */
  options?: Record<string, unknown>;
}

export interface LayerSummary {
  node: string;
  op: IROp;
  label?: string;
  group?: string;
  outShape: NodeShape;
  flops: number;
  params: number;
}

export interface ArchDescription {
  space: string;
  /** Canonical genotype text (round-trips through the space's parser). */
  genotype: string;
  genes: Genotype;
  hash: string;
  /** Multiply-accumulates per example. */
  flops: number;
  /** Trainable parameters (plain count). */
  params: number;
  degenerate: boolean;
  inputShape: FeatureShape;
  classes: number;
  options: Record<string, unknown>;
  outShape: NodeShape;
  /** Human-readable multi-line description from the space. */
  summary: string;
  layers: LayerSummary[];
}

type ArchKernel = Pick<Kernel, 'registry' | 'optionsOf'>;

/** "28x28x1" (also "28,28,1") -> [28, 28, 1]. */
export function parseInputShape(text: string): FeatureShape {
  const parts = text.trim().split(/\s*[x,]\s*/i);
  if (parts.length !== 3 || !parts.every((p) => /^\d+$/.test(p) && Number(p) > 0)) {
    throw new MstfError('INVALID_ARGUMENT', `input shape "${text}": expected HxWxC of positive integers, e.g. 28x28x1`);
  }
  return parts.map(Number) as FeatureShape;
}

/** The space instance for a request and its parsed, validated genotype. */
export function resolveArchitecture(
  kernel: ArchKernel,
  req: ArchRequest,
): {
  instance: SpaceInstance;
  genes: Genotype;
  inputShape: FeatureShape;
  classes: number;
  options: Record<string, unknown>;
} {
  const space = kernel.registry('searchSpace').get(req.space);
  const inputShape = req.inputShape ?? space.defaultContext?.inputShape;
  const classes = req.classes ?? space.defaultContext?.classes;
  if (!inputShape || classes === undefined) {
    throw new MstfError(
      'INVALID_ARGUMENT',
      `space ${req.space} has no default input shape and class count: give both (--input HxWxC --classes N)`,
    );
  }
  const booted = (kernel.optionsOf('searchSpace', req.space) ?? {}) as Record<string, unknown>;
  let options: Record<string, unknown> = { ...booted, ...(req.options ?? {}) };
  if (space.optionsSchema) {
    const r = space.optionsSchema.safeParse(options);
    if (!r.success)
      throw new MstfError('INVALID_ARGUMENT', `space ${req.space}: invalid options (${zodLine(r.error)})`);
    options = r.data as Record<string, unknown>;
  }
  const instance = space.create({ inputShape, classes }, options);
  let genes: Genotype;
  if (typeof req.genotype === 'string') genes = instance.parse(req.genotype);
  else {
    instance.validate(req.genotype);
    genes = [...req.genotype];
  }
  return { instance, genes, inputShape, classes, options };
}

export function describeArchitecture(kernel: ArchKernel, req: ArchRequest): ArchDescription {
  const { instance, genes, inputShape, classes, options } = resolveArchitecture(kernel, req);
  const ir = instance.decode(genes);
  const layers = layerCosts(ir);
  const out = layers.find((l) => l.node === ir.output)!;
  return {
    space: req.space,
    genotype: instance.format(genes),
    genes,
    hash: instance.hash(genes),
    flops: layers.reduce((s, l) => s + l.flops, 0),
    params: layers.reduce((s, l) => s + l.params, 0),
    degenerate: instance.isDegenerate(genes),
    inputShape,
    classes,
    options,
    outShape: out.outShape,
    summary: instance.describe(genes),
    layers: layers.map((l) => ({ ...l })),
  };
}

export function drawArchitecture(kernel: ArchKernel, req: ArchRequest): string {
  const { instance, genes } = resolveArchitecture(kernel, req);
  return instance.draw(genes);
}
