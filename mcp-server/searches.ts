import { SearchService } from '../core/search/service.js';
import type { McpContext } from './context.js';

/**
 * Access to searches for tools and resources. The MCP server holds no search logic: it reads the run store
 * through the SearchService, the same object `mstf runs ...` uses, resolved from the server's kernel (one
 * service and one open store per kernel, closed when the server disposes the kernel).
 */
export function searchService(ctx: McpContext): SearchService {
  return ctx.kernel.resolve(SearchService);
}

/** One row per search, newest first (the store's order). */
export function listSearchSummaries(ctx: McpContext) {
  return searchService(ctx)
    .list()
    .map((r) => ({
      id: r.id,
      status: r.status,
      dataset: r.config.dataset,
      generation: r.generation,
      generations: r.generations,
      evaluated: r.evaluated,
      total: r.total,
      createdAt: r.createdAt,
      updatedAt: r.updatedAt,
    }));
}

/**
 * Expected seconds for a stored search: its total candidates times the mean evaluation time of candidates
 * that earlier searches of this store evaluated with the same network size and indicators (dataset, image
 * size, space, channels, blocks, batch, indicators). null when there is no such earlier search: the status
 * gives etaSeconds as soon as the first candidates are timed.
 */
export function estimateSearchSeconds(ctx: McpContext, id: string): number | null {
  const service = searchService(ctx);
  const s = service.store.requireSearch(id);
  const same = (c: typeof s.config) =>
    c.dataset === s.config.dataset &&
    c.space === s.config.space &&
    c.channels === s.config.channels &&
    c.blocks === s.config.blocks &&
    c.batchSize === s.config.batchSize &&
    c.size === s.config.size &&
    c.indicators.join(',') === s.config.indicators.join(',');
  let sum = 0;
  let n = 0;
  for (const other of service
    .list()
    .filter((o) => o.id !== id && same(o.config))
    .slice(0, 10)) {
    for (const c of service.store.candidates(other.id)) {
      if (c.reusedFrom === null && c.ms > 0) {
        sum += c.ms;
        n++;
      }
    }
  }
  return n === 0 ? null : Math.round((s.total * sum) / n / 1000);
}
