import { type McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import {
  ErrorCode,
  ListResourcesRequestSchema,
  McpError,
  SubscribeRequestSchema,
  UnsubscribeRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { MstfError, oneLine } from '../core/errors.js';
import { searchMember, searchResults } from './architectures.js';
import type { McpContext } from './context.js';
import { architecturePng, memberRequest, paretoPng, PNG } from './figures.js';
import { isNotFound, page, resourceNotFound } from './result.js';
import { listSearchSummaries, searchService } from './searches.js';
import { shapeReport } from './tools/training.js';
import { listTrainingIds, listTrainingReports, trainingReport, trainingRow } from './trainings.js';

export const SEARCHES_URI = 'mstf://searches';
export const TRAININGS_URI = 'mstf://trainings';
const SEARCH_URI = /^mstf:\/\/searches\/([^/]+)$/;
/** The Pareto front and the figures of a search: they change with its status and generation. */
const PARETO_URI = /^mstf:\/\/searches\/([^/]+)\/(?:pareto(?:\.png)?|architectures\/[^/]+\.png)$/;
const TRAINING_URI = /^mstf:\/\/trainings\/([^/]+)$/;
/** resources/list page size. */
export const RESOURCES_PAGE = 50;

function json(uri: string, value: unknown) {
  return { contents: [{ uri, mimeType: 'application/json', text: JSON.stringify(value) }] };
}

function png(uri: string, data: Buffer) {
  return { contents: [{ uri, mimeType: PNG, blob: data.toString('base64') }] };
}

/** Run a resource read; a search or training that does not exist is JSON-RPC -32002 (resource not found). */
async function read<T>(uri: string, body: () => T | Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (e) {
    if (isNotFound(e)) throw resourceNotFound(uri, e);
    throw e;
  }
}

/**
 * Resources: the search list, one search (config + status), its Pareto front, the training list and one
 * training. Clients may subscribe to any of them; see watchSubscriptions for when `notifications/resources/updated`
 * is sent, and watchResourceList for `notifications/resources/list_changed`.
 */
export function registerResources(server: McpServer, ctx: McpContext): void {
  server.registerResource(
    'searches',
    SEARCHES_URI,
    {
      title: 'Searches',
      description: 'Every search in the run store (id, status, progress)',
      mimeType: 'application/json',
    },
    async (uri) => json(uri.href, { store: ctx.settings.storePath, searches: listSearchSummaries(ctx) }),
  );
  server.registerResource(
    'trainings',
    TRAININGS_URI,
    {
      title: 'Trainings',
      description: 'Every training of this workspace (id, what, state, test metrics)',
      mimeType: 'application/json',
    },
    async (uri) =>
      json(uri.href, {
        trainings: listTrainingReports(ctx).map(trainingRow),
      }),
  );

  server.registerResource(
    'search',
    new ResourceTemplate(`${SEARCHES_URI}/{id}`, {
      list: undefined,
      complete: { id: () => listSearchSummaries(ctx).map((s) => s.id) },
    }),
    { title: 'Search', description: 'One search: its configuration and status', mimeType: 'application/json' },
    async (uri, { id }) =>
      read(uri.href, () => {
        const searchId = decodeURIComponent(String(id));
        const service = searchService(ctx);
        const shown = service.show(searchId);
        return json(uri.href, { searchId, config: shown.config, status: service.status(searchId) });
      }),
  );

  server.registerResource(
    'search-pareto',
    new ResourceTemplate(`${SEARCHES_URI}/{id}/pareto`, {
      list: undefined,
      complete: { id: () => listSearchSummaries(ctx).map((s) => s.id) },
    }),
    {
      title: 'Pareto front',
      description: 'The Pareto front of one search with its context (as get_pareto_front with detail "full")',
      mimeType: 'application/json',
    },
    async (uri, { id }) => read(uri.href, () => json(uri.href, searchResults(ctx, decodeURIComponent(String(id))))),
  );

  server.registerResource(
    'search-pareto-png',
    new ResourceTemplate(`${SEARCHES_URI}/{id}/pareto.png`, {
      list: undefined,
      complete: { id: () => listSearchSummaries(ctx).map((s) => s.id) },
    }),
    {
      title: 'Pareto plot',
      description:
        "The paper's Fig. 5 of one completed search as PNG: FLOPs against each indicator, every candidate, the first front per generation, the pick",
      mimeType: PNG,
    },
    async (uri, { id }) =>
      read(uri.href, async () => png(uri.href, await paretoPng(ctx, decodeURIComponent(String(id))))),
  );

  server.registerResource(
    'search-architecture-png',
    new ResourceTemplate(`${SEARCHES_URI}/{id}/architectures/{hash}.png`, {
      list: undefined,
      complete: { id: () => listSearchSummaries(ctx).map((s) => s.id) },
    }),
    {
      title: 'Architecture drawing',
      description:
        'The drawing (cells, ops, channels) of an architecture a search evaluated, by hash or unique prefix, as PNG',
      mimeType: PNG,
    },
    async (uri, { id, hash }) =>
      read(uri.href, async () => {
        const m = searchMember(ctx, decodeURIComponent(String(id)), decodeURIComponent(String(hash)));
        return png(uri.href, await architecturePng(ctx, memberRequest(m)));
      }),
  );

  server.registerResource(
    'training',
    new ResourceTemplate(`${TRAININGS_URI}/{id}`, { list: undefined, complete: { id: () => listTrainingIds(ctx) } }),
    {
      title: 'Training',
      description: 'One training (as get_training_status with detail "full")',
      mimeType: 'application/json',
    },
    async (uri, { id }) =>
      read(uri.href, () => json(uri.href, shapeReport(trainingReport(ctx, decodeURIComponent(String(id))), 'full'))),
  );

  // resources/list in pages of RESOURCES_PAGE (the SDK's own handler lists everything at once).
  server.server.setRequestHandler(ListResourcesRequestSchema, async (req) => {
    const p = page(allResources(ctx), RESOURCES_PAGE, req.params?.cursor);
    return { resources: p.items, ...(p.nextCursor ? { nextCursor: p.nextCursor } : {}) };
  });
  notFoundIsMinus32002(server);
}

/**
 * Every resource URI, lists first, then each search (newest first) and each training. The PNG figures are
 * reached through their templates (resources/templates/list), not listed one by one.
 */
function allResources(ctx: McpContext) {
  const out: { uri: string; name: string; title?: string; mimeType: string }[] = [
    { uri: SEARCHES_URI, name: 'searches', title: 'Searches', mimeType: 'application/json' },
    { uri: TRAININGS_URI, name: 'trainings', title: 'Trainings', mimeType: 'application/json' },
  ];
  for (const s of listSearchSummaries(ctx)) {
    out.push({ uri: `${SEARCHES_URI}/${s.id}`, name: `search ${s.id}`, mimeType: 'application/json' });
    out.push({
      uri: `${SEARCHES_URI}/${s.id}/pareto`,
      name: `Pareto front of search ${s.id}`,
      mimeType: 'application/json',
    });
  }
  for (const id of listTrainingIds(ctx))
    out.push({ uri: `${TRAININGS_URI}/${id}`, name: `training ${id}`, mimeType: 'application/json' });
  return out;
}

/**
 * A URI that matches no resource at all: the SDK answers -32602 (invalid params); the MCP specification asks
 * for -32002 (resource not found), which is what clients look for.
 */
function notFoundIsMinus32002(server: McpServer): void {
  const handlers = (
    server.server as unknown as { _requestHandlers: Map<string, (req: any, extra: any) => Promise<unknown>> }
  )._requestHandlers;
  const original = handlers.get('resources/read');
  if (!original) return;
  handlers.set('resources/read', async (req, extra) => {
    try {
      return await original(req, extra);
    } catch (e) {
      if (e instanceof McpError && e.code === ErrorCode.InvalidParams && /not found/i.test(e.message)) {
        throw resourceNotFound(String(req.params?.uri));
      }
      throw e;
    }
  });
}

/**
 * Resource subscriptions. While the client is connected, the subscribed URIs are checked every `intervalMs`
 * against the run store and the trainings' status files; a `notifications/resources/updated` is sent when what
 * they show changes: the search list when a search appears or changes status or generation, one search (and
 * its Pareto front) when its status or generation changes, a training when its state or epoch changes.
 * Independently, `notifications/resources/list_changed` is sent when a search or a training appears or
 * disappears (the URIs resources/list gives). Nothing runs once the connection closes.
 */
export function watchSubscriptions(server: McpServer, ctx: McpContext, intervalMs = 1000): { stop(): void } {
  const last = new Map<string, string>();
  let listed = resourceIds(ctx);

  const fingerprint = (uri: string): string => {
    if (uri === SEARCHES_URI)
      return listSearchSummaries(ctx)
        .map((s) => `${s.id}:${s.status}:${s.generation}`)
        .join('|');
    if (uri === TRAININGS_URI) return listTrainingIds(ctx).join('|');
    const t = TRAINING_URI.exec(uri)?.[1];
    if (t) {
      const r = trainingReport(ctx, decodeURIComponent(t));
      return `${r.state}:${r.epoch}`;
    }
    const id = (PARETO_URI.exec(uri) ?? SEARCH_URI.exec(uri))?.[1];
    if (!id) throw new MstfError('NOT_FOUND', `unknown resource ${uri}`);
    const s = searchService(ctx).status(decodeURIComponent(id));
    return `${s.status}:${s.generation}`;
  };

  const tick = async () => {
    const now = resourceIds(ctx);
    if (now !== listed) {
      listed = now;
      server.sendResourceListChanged();
    }
    for (const uri of last.keys()) {
      let current: string;
      try {
        current = fingerprint(uri);
      } catch (e) {
        current = `error:${oneLine(e)}`;
      }
      if (current !== last.get(uri)) {
        last.set(uri, current);
        try {
          await server.server.sendResourceUpdated({ uri });
        } catch (e) {
          process.stderr.write(`mstf mcp: could not notify ${uri}: ${oneLine(e)}\n`);
        }
      }
    }
  };

  const timer: NodeJS.Timeout = setInterval(() => void tick().catch(() => undefined), intervalMs);
  timer.unref();
  const stop = () => {
    clearInterval(timer);
    last.clear();
  };

  server.server.setRequestHandler(SubscribeRequestSchema, async (req) => {
    const uri = req.params.uri;
    // Refuse what cannot be watched (unknown URI, search or training) with -32002; the baseline is what it shows now.
    try {
      last.set(uri, fingerprint(uri));
    } catch (e) {
      if (isNotFound(e)) throw resourceNotFound(uri, e);
      throw e;
    }
    return {};
  });
  server.server.setRequestHandler(UnsubscribeRequestSchema, async (req) => {
    last.delete(req.params.uri);
    return {};
  });

  const previous = server.server.onclose;
  server.server.onclose = () => {
    stop();
    previous?.();
  };
  return { stop };
}

/** The searches and trainings resources/list shows, as one string (a change means list_changed). */
function resourceIds(ctx: McpContext): string {
  try {
    return `${listSearchSummaries(ctx)
      .map((s) => s.id)
      .join(',')}|${listTrainingIds(ctx).join(',')}`;
  } catch {
    return '';
  }
}
