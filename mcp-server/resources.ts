import { McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import { SubscribeRequestSchema, UnsubscribeRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { MstfError, oneLine } from '../core/errors.js';
import type { McpContext } from './context.js';
import { listSearchSummaries, searchService } from './searches.js';

export const SEARCHES_URI = 'mstf://searches';
const SEARCH_URI = /^mstf:\/\/searches\/([^/]+)$/;
const PARETO_URI = /^mstf:\/\/searches\/([^/]+)\/pareto$/;

function json(uri: string, value: unknown) {
  return { contents: [{ uri, mimeType: 'application/json', text: JSON.stringify(value, null, 2) }] };
}

/**
 * Resources: the search list, one search (config + status) and its Pareto front. Clients may subscribe to any
 * of them; see watchSubscriptions for when `notifications/resources/updated` is sent.
 */
export function registerSearchResources(server: McpServer, ctx: McpContext): void {
  server.registerResource(
    'searches',
    SEARCHES_URI,
    { title: 'Searches', description: 'Every search in the run store (id, status, progress)', mimeType: 'application/json' },
    async (uri) => json(uri.href, { store: ctx.settings.storePath, searches: listSearchSummaries(ctx) }),
  );

  const listEach = (suffix: string, what: string) => async () => ({
    resources: listSearchSummaries(ctx).map((s) => ({
      uri: `${SEARCHES_URI}/${s.id}${suffix}`,
      name: `${what} ${s.id}`,
      mimeType: 'application/json',
    })),
  });

  server.registerResource(
    'search',
    new ResourceTemplate(`${SEARCHES_URI}/{id}`, { list: listEach('', 'search') }),
    { title: 'Search', description: 'One search: its configuration and status', mimeType: 'application/json' },
    async (uri, { id }) => {
      const searchId = String(id);
      const service = searchService(ctx);
      const shown = service.show(searchId);
      return json(uri.href, { searchId, config: shown.config, status: service.status(searchId) });
    },
  );

  server.registerResource(
    'search-pareto',
    new ResourceTemplate(`${SEARCHES_URI}/{id}/pareto`, { list: listEach('/pareto', 'Pareto front of search') }),
    {
      title: 'Pareto front',
      description: 'The Pareto front of one search (as `mstf runs show <id> --json` .pareto)',
      mimeType: 'application/json',
    },
    async (uri, { id }) => {
      const shown = searchService(ctx).show(String(id));
      return json(uri.href, { searchId: shown.searchId, status: shown.status, pareto: shown.pareto });
    },
  );
}

/**
 * Resource subscriptions. While the client is connected, the subscribed URIs are checked every `intervalMs`
 * against the run store; a `notifications/resources/updated` is sent when what they show changes: the list when
 * a search appears or changes status or generation, one search (and its Pareto front) when its status or
 * generation changes, i.e. at every generation of a running search. Only subscribed URIs are polled, and
 * nothing runs once the connection closes.
 */
export function watchSubscriptions(server: McpServer, ctx: McpContext, intervalMs = 1000): { stop(): void } {
  const last = new Map<string, string>();
  let timer: NodeJS.Timeout | undefined;

  const fingerprint = (uri: string): string => {
    if (uri === SEARCHES_URI) return listSearchSummaries(ctx).map((s) => `${s.id}:${s.status}:${s.generation}`).join('|');
    const id = (PARETO_URI.exec(uri) ?? SEARCH_URI.exec(uri))?.[1];
    if (!id) throw new MstfError('NOT_FOUND', `unknown resource ${uri}`);
    const s = searchService(ctx).status(decodeURIComponent(id));
    return `${s.status}:${s.generation}`;
  };

  const tick = async () => {
    for (const uri of last.keys()) {
      let now: string;
      try {
        now = fingerprint(uri);
      } catch (e) {
        now = `error:${oneLine(e)}`;
      }
      if (now !== last.get(uri)) {
        last.set(uri, now);
        try {
          await server.server.sendResourceUpdated({ uri });
        } catch (e) {
          ctx.log(`could not notify ${uri}: ${oneLine(e)}`);
        }
      }
    }
  };

  const stop = () => {
    if (timer) clearInterval(timer);
    timer = undefined;
    last.clear();
  };

  server.server.setRequestHandler(SubscribeRequestSchema, async (req) => {
    const uri = req.params.uri;
    // Refuse what cannot be watched (unknown URI or search) with one line; the baseline is what it shows now.
    last.set(uri, fingerprint(uri));
    timer ??= setInterval(() => void tick(), intervalMs);
    timer.unref();
    return {};
  });
  server.server.setRequestHandler(UnsubscribeRequestSchema, async (req) => {
    last.delete(req.params.uri);
    if (last.size === 0) stop();
    return {};
  });

  const previous = server.server.onclose;
  server.server.onclose = () => {
    stop();
    previous?.();
  };
  return { stop };
}
