import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { McpContext } from './context.js';
import { registerSearchResources, watchSubscriptions } from './resources.js';
import { schemaErrorLine } from './result.js';
import { registerArchitectureTools } from './tools/architecture.js';
import { registerCatalogTools } from './tools/catalog.js';
import { registerSearchTools } from './tools/searches.js';
import { registerTrainingTools } from './tools/training.js';

export const SERVER_NAME = 'mstf';

export interface CreateServerOptions {
  version: string;
  /** How often subscribed resources are checked against the run store (ms). */
  pollMs?: number;
}

/**
 * One MCP server (one per connection: stdio has one, Streamable HTTP one per session) over a shared context.
 * Tools and resources only parse arguments, call core services and shape results.
 */
export function createMcpServer(ctx: McpContext, opts: CreateServerOptions): McpServer {
  const server = new McpServer(
    { name: SERVER_NAME, title: 'mstf: multi-scale training-free NAS', version: opts.version },
    {
      capabilities: { resources: { subscribe: true, listChanged: true }, tools: {} },
      instructions:
        'Search medical-image CNN architectures without training (MSTF-NAS). start_search runs in the background ' +
        'and returns an id at once; poll get_search_status (or subscribe to mstf://searches/{id}), then read ' +
        'get_pareto_front / get_selected_architecture, and start_training on the selected genotype.',
    },
  );
  keepSchemaErrorsOnOneLine(server);
  registerCatalogTools(server, ctx);
  registerArchitectureTools(server, ctx);
  registerSearchTools(server, ctx);
  registerTrainingTools(server, ctx);
  registerSearchResources(server, ctx);
  watchSubscriptions(server, ctx, opts.pollMs ?? 1000);
  return server;
}

/**
 * Arguments that fail a tool's zod schema never reach the tool: the SDK answers them itself with an isError
 * result listing every issue on its own line. The SDK builds that result in one (private) method; wrapping it
 * shortens the text to one line naming the argument, like every other mstf error.
 */
function keepSchemaErrorsOnOneLine(server: McpServer): void {
  const target = server as unknown as { createToolError?: (message: string) => CallToolResult };
  const original = target.createToolError;
  if (typeof original !== 'function') return; // another SDK version: keep its messages as they are
  target.createToolError = (message: string) => original.call(server, schemaErrorLine(message));
}
