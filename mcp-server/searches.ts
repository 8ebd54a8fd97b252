import { SearchService } from '../core/search/service.js';
import type { McpContext } from './context.js';

/**
 * Access to searches for tools and resources. The MCP server holds no search logic: it reads the run store
 * through the SearchService, the same object `mstf runs ...` uses. One service (one open store) per server
 * process.
 */
const services = new WeakMap<McpContext, SearchService>();

export function searchService(ctx: McpContext): SearchService {
  let s = services.get(ctx);
  if (!s) {
    s = SearchService.fromKernel(ctx.kernel);
    services.set(ctx, s);
  }
  return s;
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
