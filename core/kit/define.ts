/**
 * Plugin kit: `define*` helpers that build a complete extension from the members only its author can write,
 * filling the others with the defaults every built-in would otherwise repeat. Each returns the plain
 * contract object (core/contracts/), so the loader, the registries and the search treat a kit-made extension
 * exactly like a hand-written one. Nothing here is required: a full object literal works the same.
 */
import type { z } from 'zod';
import { checkGenes, parseIntegerGenes, sampleGenes } from '../arch/genes.js';
import { canonicalHash } from '../arch/hash.js';
import { arrow, labelledBox, svgDocument, type Box } from '../arch/svg.js';
import type { Dataset } from '../contracts/dataset.js';
import type { Indicator, IndicatorNeeds } from '../contracts/indicator.js';
import type { ObjectiveBuilder } from '../contracts/objective.js';
import type { Optimizer } from '../contracts/optimizer.js';
import type { GeneBound, Genotype, SearchSpace, SpaceContext, SpaceInstance } from '../contracts/search-space.js';
import { networkCost } from '../ir/cost.js';
import type { IRNode, NetworkIR } from '../ir/types.js';

/** What an author must give for one configured space: the genes and how they become a network. */
export interface SpaceEssentials {
  readonly bounds: readonly GeneBound[];
  decode(g: Genotype): NetworkIR;
}

/** The members of a SpaceInstance that `completeSpace` fills when absent (all optional). */
export type SpaceOverrides = Partial<Omit<SpaceInstance, 'spaceId' | 'bounds' | 'decode'>>;

export interface SearchSpaceDefinition<Options = unknown> {
  readonly id: string;
  readonly description: string;
  readonly optionsSchema?: z.ZodType<Options>;
  readonly defaultContext?: SpaceContext;
  /** Bounds and decode (required), plus any member of SpaceInstance to override its default. */
  create(ctx: SpaceContext, options: Options): SpaceEssentials & SpaceOverrides;
}

/** True when the network's output depends on its input (some path from the input avoids every `zero` op). */
export function dependsOnInput(ir: NetworkIR): boolean {
  const live = new Map<string, boolean>();
  for (const node of ir.nodes) {
    live.set(node.id, node.op === 'input' || (node.op !== 'zero' && node.inputs.some((id) => live.get(id))));
  }
  return live.get(ir.output) === true;
}

/** A plain drawing of any NetworkIR: one box per node in topological order, an arrow per edge. */
export function drawNetwork(ir: NetworkIR, title: string): string {
  const w = 220;
  const h = 34;
  const gap = 22;
  const margin = 30;
  const boxes = new Map<string, Box>();
  const parts: string[] = [];
  ir.nodes.forEach((node, i) => {
    boxes.set(node.id, { x: margin, y: margin + i * (h + gap), w, h });
  });
  for (const node of ir.nodes) {
    for (const from of node.inputs) {
      const a = boxes.get(from);
      const b = boxes.get(node.id);
      if (a && b) parts.push(arrow(a, b));
    }
  }
  for (const node of ir.nodes) parts.push(labelledBox(boxes.get(node.id)!, [nodeLabel(node)], fillOf(node)));
  return svgDocument(w + 2 * margin, 2 * margin + ir.nodes.length * (h + gap) - gap, title, parts);
}

function nodeLabel(node: IRNode): string {
  switch (node.op) {
    case 'conv':
      return `${node.label ?? node.id}: conv ${node.kernel.join('x')}, ${node.filters}, /${node.stride}`;
    case 'dense':
      return `${node.label ?? node.id}: dense ${node.units}`;
    case 'pool':
      return `${node.label ?? node.id}: ${node.mode} pool ${node.window}, /${node.stride}`;
    default:
      return `${node.label ?? node.id}: ${node.op}`;
  }
}

function fillOf(node: IRNode): string {
  if (node.op === 'conv' || node.op === 'depthwise' || node.op === 'dense') return '#dbe9f6';
  if (node.op === 'input') return '#eeeeee';
  return '#ffffff';
}

/**
 * A full SpaceInstance from bounds + decode. Defaults: parse = integers "1,0,3" checked against the bounds,
 * format = comma-joined, validate = checkGenes, sample = uniform within the bounds, hash = canonicalHash of
 * the decoded network (same network => same hash), isDegenerate = the output ignores the input (every path
 * passes a `zero` op), describe = genotype + FLOPs/params, draw = one box per node (drawNetwork).
 */
export function completeSpace(spaceId: string, def: SpaceEssentials & SpaceOverrides): SpaceInstance {
  const { bounds } = def;
  const what = `the ${spaceId} space`;
  const instance: SpaceInstance = {
    spaceId,
    bounds,
    decode: (g) => def.decode(g),
    parse:
      def.parse ??
      ((text) => {
        const g = parseIntegerGenes(text, bounds);
        instance.validate(g);
        return g;
      }),
    format: def.format ?? ((g) => g.join(',')),
    validate: def.validate ?? ((g) => checkGenes(g, bounds, what)),
    sample: def.sample ?? ((rng) => sampleGenes(bounds, rng)),
    hash: def.hash ?? ((g) => canonicalHash(instance.decode(g))),
    isDegenerate: def.isDegenerate ?? ((g) => !dependsOnInput(instance.decode(g))),
    describe:
      def.describe ??
      ((g) => {
        const { flops, params } = networkCost(instance.decode(g));
        return `${spaceId} ${instance.format(g)}: ${flops} FLOPs, ${params} parameters`;
      }),
    draw: def.draw ?? ((g) => drawNetwork(instance.decode(g), `${spaceId} ${instance.format(g)}`)),
  };
  return instance;
}

/** A search space whose `create` returns only bounds + decode (and any member it wants to override). */
export function defineSearchSpace<Options = unknown>(def: SearchSpaceDefinition<Options>): SearchSpace<Options> {
  return {
    kind: 'searchSpace',
    id: def.id,
    description: def.description,
    ...(def.optionsSchema ? { optionsSchema: def.optionsSchema } : {}),
    ...(def.defaultContext ? { defaultContext: def.defaultContext } : {}),
    create: (ctx, options) => completeSpace(def.id, def.create(ctx, options)),
  };
}

/** An indicator; `needs` defaults to data-free (no data, no labels, no backward pass). */
export function defineIndicator<Options = unknown>(
  def: Omit<Indicator<Options>, 'kind' | 'needs'> & { needs?: Partial<IndicatorNeeds> },
): Indicator<Options> {
  const { needs, ...rest } = def;
  return { ...rest, kind: 'indicator', needs: { data: false, labels: false, backward: false, ...needs } };
}

/**
 * An objective builder; `requiredScores` defaults to the user's indicators and `nObjectives` to one
 * objective per indicator.
 */
export function defineObjective<Options = unknown>(
  def: Omit<ObjectiveBuilder<Options>, 'kind' | 'nObjectives' | 'requiredScores'> &
    Partial<Pick<ObjectiveBuilder<Options>, 'nObjectives' | 'requiredScores'>>,
): ObjectiveBuilder<Options> {
  return {
    nObjectives: (indicators) => indicators.length,
    requiredScores: (indicators) => [...indicators],
    ...def,
    kind: 'objective',
  };
}

/** An optimizer (adds `kind`; every member of the contract is the author's). */
export function defineOptimizer<Options = unknown>(def: Omit<Optimizer<Options>, 'kind'>): Optimizer<Options> {
  return { ...def, kind: 'optimizer' };
}

/** A dataset (adds `kind`; every member of the contract is the author's). */
export function defineDataset<Options = unknown>(def: Omit<Dataset<Options>, 'kind'>): Dataset<Options> {
  return { ...def, kind: 'dataset' };
}
