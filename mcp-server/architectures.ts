/**
 * Architectures as the MCP tools return them: each carries the context it was built for (space, space
 * options such as channels and blocks, dataset, image size, input shape, classes), so an assistant never
 * has to re-type a genotype or guess the options a search used. Searches are read through the SearchService.
 */
import { z } from 'zod';
import { MstfError } from '../core/errors.js';
import { finalPick, paretoFront } from '../core/pareto/index.js';
import { resolveSetup, type SearchSetup } from '../core/search/setup.js';
import type { CandidateRecord, SearchRecord } from '../core/store/types.js';
import { finiteOrNull } from '../core/util/values.js';
import type { McpContext } from './context.js';
import { searchService } from './searches.js';

export interface ArchContext {
  space: string;
  /** The space options the network is built with (mstf: channels C0, blocks). */
  options: Record<string, unknown>;
  dataset: string;
  size: number;
  inputShape: number[];
  classes: number;
}

export const archContextShape = z
  .object({
    space: z.string(),
    options: z.record(z.string(), z.unknown()),
    dataset: z.string(),
    size: z.number(),
    inputShape: z.array(z.number()),
    classes: z.number(),
  })
  .describe('what the network is built for: space, space options (channels, blocks), dataset, input shape');

/** A member of a search as every tool returns it. */
export interface SearchArchitecture {
  hash: string;
  genotype: string;
  params: number | null;
  flops: number | null;
  scores: Record<string, number | null>;
  context: ArchContext;
}

export const searchArchitectureShape = z.object({
  hash: z.string(),
  genotype: z.string(),
  params: z.number().nullable(),
  flops: z.number().nullable().describe('multiply-accumulates per image'),
  scores: z.record(z.string(), z.number().nullable()).describe('raw indicator values (null: failed or not finite)'),
  context: archContextShape,
});

export function contextOf(setup: SearchSetup): ArchContext {
  return {
    space: setup.config.space,
    options: pickSpaceOptions(setup.spaceOptions),
    dataset: setup.config.dataset,
    size: setup.size,
    inputShape: [...setup.inputShape],
    classes: setup.classes,
  };
}

/** The options that decide a network's size; other space options (if any) stay out of the answers. */
function pickSpaceOptions(options: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of ['channels', 'blocks']) if (options[k] !== undefined) out[k] = options[k];
  return Object.keys(out).length > 0 ? out : options;
}

/** The resolved setup of a stored search (the data need not be present to describe its members). */
export function setupOfSearch(ctx: McpContext, s: SearchRecord): SearchSetup {
  return resolveSetup(ctx.kernel, s.config, { checkData: false });
}

export function toArchitecture(
  c: Pick<CandidateRecord, 'hash' | 'genotype' | 'params' | 'flops' | 'scores'>,
  context: ArchContext,
): SearchArchitecture {
  return {
    hash: c.hash,
    genotype: c.genotype,
    params: c.params,
    flops: c.flops,
    scores: Object.fromEntries(Object.entries(c.scores).map(([k, v]) => [k, finiteOrNull(v)])),
    context,
  };
}

export interface FrontMember extends SearchArchitecture {
  objectives: (number | null)[];
  normalised: Record<string, number | null>;
  violation: number;
}

export interface SearchResults {
  searchId: string;
  status: SearchRecord['status'];
  /**
   * 'final': the stored result of a completed search. 'best-so-far': a search that did not complete
   * (running, cancelled, failed): front and pick of its last checkpointed generation, computed exactly as
   * the search computes its final result. 'none': no generation finished yet.
   */
  basis: 'final' | 'best-so-far' | 'none';
  generation: number;
  context: ArchContext;
  selected: SearchArchitecture | null;
  pareto: FrontMember[];
}

/**
 * The pick and Pareto front of a search. A completed search answers its stored result (the same as
 * `mstf runs show --json`); one that stopped early (cancelled, failed) or still runs answers the front and
 * pick of its last checkpointed generation, by the same rule the search applies at its end.
 */
export function searchResults(ctx: McpContext, id: string): SearchResults {
  const service = searchService(ctx);
  const s = service.store.requireSearch(id);
  const setup = setupOfSearch(ctx, s);
  const context = contextOf(setup);
  const base = { searchId: s.id, status: s.status, generation: s.generation, context };
  const stored = service.summary(id);
  if (stored.selected) {
    const byHash = new Map(service.store.candidates(id).map((c) => [c.hash, c]));
    const member = (p: (typeof stored.pareto)[number]): FrontMember => ({
      ...toArchitecture(p, context),
      objectives: p.objectives,
      normalised: p.normalised,
      violation: p.violation,
    });
    const sel = byHash.get(stored.selected.hash) ?? stored.selected;
    return { ...base, basis: 'final', selected: toArchitecture(sel, context), pareto: stored.pareto.map(member) };
  }
  if (s.generation < 0) return { ...base, basis: 'none', selected: null, pareto: [] };
  const population = service.store.pool(id, s.generation).filter((m) => m.survived);
  if (population.length === 0) return { ...base, basis: 'none', selected: null, pareto: [] };
  const built = setup.objective.build(
    population.map((m) => Object.fromEntries(setup.scoreIds.map((k) => [k, m.candidate.scores[k] ?? null]))),
    setup.config.indicators,
    setup.objectiveOptions,
  );
  const pick = finalPick(population, built.normalised, setup.config.indicators);
  const front = paretoFront(population.map((m, i) => ({ F: built.F[i]!, violation: m.violation })));
  const member = (i: number): FrontMember => ({
    ...toArchitecture(population[i]!.candidate, context),
    objectives: built.F[i]!.map((v) => finiteOrNull(v)),
    normalised: Object.fromEntries(Object.entries(built.normalised[i]!).map(([k, v]) => [k, finiteOrNull(v)])),
    violation: population[i]!.violation,
  });
  return {
    ...base,
    basis: 'best-so-far',
    selected: toArchitecture(population[pick]!.candidate, context),
    pareto: front.map(member),
  };
}

/**
 * A member of a search by hash (any candidate it evaluated), or its pick when no hash is given (the final
 * pick, or the best so far of a search that did not complete).
 */
export function searchMember(
  ctx: McpContext,
  searchId: string,
  hash?: string,
): { search: SearchRecord; setup: SearchSetup; arch: SearchArchitecture } {
  const service = searchService(ctx);
  const search = service.store.requireSearch(searchId);
  const setup = setupOfSearch(ctx, search);
  if (hash === undefined) {
    const r = searchResults(ctx, searchId);
    if (!r.selected) {
      throw new MstfError(
        'INVALID_ARGUMENT',
        `search ${searchId} has no pick yet (status ${search.status}, no generation finished); poll get_search_status`,
      );
    }
    return { search, setup, arch: r.selected };
  }
  const wanted = hash.toLowerCase();
  const matches = service.store.candidates(searchId).filter((c) => c.hash.toLowerCase().startsWith(wanted));
  const unique = new Map(matches.map((c) => [c.hash, c]));
  if (unique.size === 0) {
    throw new MstfError(
      'NOT_FOUND',
      `search ${searchId} evaluated no architecture with hash ${hash} (get_pareto_front lists its members)`,
    );
  }
  if (unique.size > 1)
    throw new MstfError(
      'INVALID_ARGUMENT',
      `hash prefix ${hash} matches ${unique.size} architectures of search ${searchId}; give more characters`,
    );
  return { search, setup, arch: toArchitecture([...unique.values()][0]!, contextOf(setup)) };
}
