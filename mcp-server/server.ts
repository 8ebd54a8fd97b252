import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { McpContext } from './context.js';
import { registerPrompts } from './prompts.js';
import { registerResources, watchSubscriptions } from './resources.js';
import { INVALID_PARAMS, ProtocolError, schemaErrorLine } from './result.js';
import { registerArchitectureTools } from './tools/architecture.js';
import { registerCatalogTools } from './tools/catalog.js';
import { registerCompareTool } from './tools/compare.js';
import { registerSearchTools } from './tools/searches.js';
import { registerTrainingTools } from './tools/training.js';

export const SERVER_NAME = 'mstf';

export interface CreateServerOptions {
  version: string;
  /** How often subscribed resources and the resource list are checked against the run store (ms). */
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
      capabilities: {
        resources: { subscribe: true, listChanged: true },
        tools: {},
        prompts: {},
        completions: {},
        logging: {},
      },
      instructions:
        'Search medical-image CNN architectures without training (MSTF-NAS). start_search runs in the background ' +
        'and returns an id, the number of evaluations and an estimate at once; follow it with get_search_status ' +
        '(waitSeconds long-polls), then get_selected_architecture / get_pareto_front. Refer to architectures by ' +
        '{searchId, hash}: start_training, describe_architecture, score_architecture and compare take them. ' +
        'compare puts trainings (e.g. the pick and resnet18) side by side. Prompts give the standard workflows.',
    },
  );
  keepSchemaErrorsOnOneLine(server);
  registerCatalogTools(server, ctx);
  registerArchitectureTools(server, ctx);
  registerSearchTools(server, ctx);
  registerTrainingTools(server, ctx);
  registerCompareTool(server, ctx);
  unknownToolIsProtocolError(server);
  portableToolSchemas(server);
  registerResources(server, ctx);
  registerPrompts(server, ctx);
  watchSubscriptions(server, ctx, opts.pollMs ?? 1000);
  forwardLogs(server, ctx);
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

/**
 * A call of a tool that does not exist is a protocol error (JSON-RPC -32602, as the MCP specification says),
 * not a tool result: the SDK would answer it as an isError result, which an assistant may take for a tool
 * that ran and failed.
 */
function unknownToolIsProtocolError(server: McpServer): void {
  const handlers = (
    server.server as unknown as { _requestHandlers: Map<string, (req: any, extra: any) => Promise<unknown>> }
  )._requestHandlers;
  const tools = (server as unknown as { _registeredTools: Record<string, { enabled: boolean }> })._registeredTools;
  const original = handlers.get('tools/call');
  if (!original || !tools) return;
  handlers.set('tools/call', async (req, extra) => {
    // No params at all: let the SDK's own validation answer (-32602, kept on one line by the transport).
    if (req?.params === undefined || req?.params === null) return original(req, extra);
    const name = String(req.params.name);
    if (!Object.hasOwn(tools, name) || !tools[name]!.enabled) {
      const known = Object.keys(tools)
        .filter((k) => tools[k]!.enabled)
        .sort()
        .join(', ');
      throw new ProtocolError(INVALID_PARAMS, `unknown tool "${name}" (tools: ${known})`);
    }
    return original(req, extra);
  });
}

/**
 * The tool schemas as the SDK writes them from zod use two spellings some clients cannot map (the MCP
 * Inspector's `--strict` check flags both): `type: ["number", "null"]` for a nullable value, and `{}` for a
 * value of any type. Rewritten to `anyOf: [{type: "number"}, {type: "null"}]` and `true`, which mean the same.
 */
function portableToolSchemas(server: McpServer): void {
  const handlers = (
    server.server as unknown as { _requestHandlers: Map<string, (req: any, extra: any) => Promise<unknown>> }
  )._requestHandlers;
  const original = handlers.get('tools/list');
  if (!original) return;
  handlers.set('tools/list', async (req, extra) => {
    const result = (await original(req, extra)) as { tools: { inputSchema: unknown; outputSchema?: unknown }[] };
    for (const t of result.tools) {
      t.inputSchema = portable(t.inputSchema);
      if (t.outputSchema) t.outputSchema = portable(t.outputSchema);
    }
    return result;
  });
}

/** See portableToolSchemas. */
export function portable(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(portable);
  if (schema === null || typeof schema !== 'object') return schema;
  const node: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k === 'additionalProperties' && v !== null && typeof v === 'object' && Object.keys(v).length === 0)
      node[k] = true;
    else if (k === 'properties' && v !== null && typeof v === 'object') {
      node[k] = Object.fromEntries(Object.entries(v).map(([name, p]) => [name, portable(p)]));
    } else node[k] = portable(v);
  }
  const type = node.type;
  if (Array.isArray(type) && type.includes('null') && type.length > 1) {
    // The constraints (minimum, items, enum, ...) belong to the non-null branches.
    const { type: _t, description, default: dflt, ...constraints } = node;
    const branches = type.filter((x) => x !== 'null').map((x) => ({ type: x, ...constraints }));
    return {
      ...(description !== undefined ? { description } : {}),
      ...(dflt !== undefined ? { default: dflt } : {}),
      anyOf: [...branches, { type: 'null' }],
    };
  }
  return node;
}

/**
 * What the server logs (searches and trainings started, datasets fetched) also goes to this client as
 * `notifications/message`, at the level the client set with logging/setLevel (default: everything).
 */
function forwardLogs(server: McpServer, ctx: McpContext): void {
  const sink = (line: string, level: Parameters<McpContext['log']>[1] & string) => {
    if (!server.isConnected()) return;
    server.sendLoggingMessage({ level, logger: 'mstf', data: line }).catch(() => undefined);
  };
  ctx.logSinks.add(sink);
  const previous = server.server.onclose;
  server.server.onclose = () => {
    ctx.logSinks.delete(sink);
    previous?.();
  };
}
