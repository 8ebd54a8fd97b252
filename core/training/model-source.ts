/**
 * What `mstf train` trains: a genotype of a search space, the selected architecture of a stored search
 * (`--run <searchId>`), or a fixed model (`--model resnet18`). Each resolves to a NetworkIR for the
 * dataset's input shape and class count, plus a JSON description recorded in config.json / metrics.json.
 */
import { MstfError } from '../errors.js';
import type { Kernel } from '../kernel/loader.js';
import type { SpaceContext } from '../contracts/search-space.js';
import type { NetworkIR } from '../ir/types.js';
import { getModelSource } from '../models/index.js';
import { readMember, type MemberSelector } from '../search/member.js';
import { withBudget, type BudgetValues } from '../kernel/options.js';

export type ModelSpec =
  | { kind: 'genotype'; genotype: string; space: string; channels?: number; blocks?: number }
  | { kind: 'run'; searchId: string; channels?: number; member?: MemberSelector }
  | { kind: 'model'; model: string };

/** The resolved source, as recorded with the training. */
export type ModelDescription =
  | { kind: 'genotype'; space: string; genotype: string; options: Record<string, unknown>; searchId?: string }
  | { kind: 'model'; model: string };

export interface ResolvedModel {
  ir: NetworkIR;
  description: ModelDescription;
}

/** What a stored search says about its pick (read before the dataset is known: it may choose the dataset). */
export interface SearchPick {
  searchId: string;
  genotype: string;
  /** Network hash of the member (the pick, or the one --member / --rank named). */
  hash: string;
  space: string;
  dataset: string;
  channels?: number;
  blocks?: number;
  size?: number;
}

/** The selected genotype (or the member `selector` names) and the space / channels / blocks / dataset of a search. */
export function readSearchPick(
  kernel: Pick<Kernel, 'resolve'>,
  searchId: string,
  selector: MemberSelector = {},
): SearchPick {
  const m = readMember(kernel, searchId, selector);
  const config = m.search.config;
  const pick: SearchPick = {
    searchId,
    genotype: m.candidate.genotype,
    hash: m.candidate.hash,
    space: config.space,
    dataset: config.dataset,
    channels: config.channels,
  };
  if (config.blocks !== undefined) pick.blocks = config.blocks;
  if (config.size !== undefined) pick.size = config.size;
  return pick;
}

function fromGenotype(
  kernel: Pick<Kernel, 'registry' | 'optionsOf'>,
  spaceId: string,
  genotype: string,
  knobs: { explicit?: BudgetValues; presets?: BudgetValues },
  ctx: SpaceContext,
  searchId?: string,
): ResolvedModel {
  const space = kernel.registry('searchSpace').get(spaceId);
  // --channels / --blocks (and a search's own budget) reach the space through its `budget` declaration.
  const options = withBudget(kernel, 'searchSpace', spaceId, knobs, 'search space') as Record<string, unknown>;
  const instance = space.create(ctx, options);
  const g = instance.parse(genotype);
  instance.validate(g);
  if (instance.isDegenerate(g)) {
    throw new MstfError(
      'INVALID_GENOTYPE',
      `genotype "${genotype}" is degenerate in space ${spaceId}: the network ignores its input`,
    );
  }
  const description: ModelDescription = { kind: 'genotype', space: spaceId, genotype: instance.format(g), options };
  if (searchId !== undefined) description.searchId = searchId;
  return { ir: instance.decode(g), description };
}

/** Resolve a model spec into a network for `ctx` (input shape [H, W, C], classes). */
export function resolveModel(
  kernel: Pick<Kernel, 'registry' | 'optionsOf' | 'resolve'>,
  spec: ModelSpec,
  ctx: SpaceContext,
  pick?: SearchPick,
): ResolvedModel {
  switch (spec.kind) {
    case 'model':
      return { ir: getModelSource(spec.model).build(ctx), description: { kind: 'model', model: spec.model } };
    case 'genotype':
      return fromGenotype(
        kernel,
        spec.space,
        spec.genotype,
        { explicit: { channels: spec.channels, blocks: spec.blocks } },
        ctx,
      );
    case 'run': {
      const p = pick ?? readSearchPick(kernel, spec.searchId, spec.member);
      return fromGenotype(
        kernel,
        p.space,
        p.genotype,
        { explicit: { channels: spec.channels }, presets: { channels: p.channels, blocks: p.blocks } },
        ctx,
        p.searchId,
      );
    }
  }
}
