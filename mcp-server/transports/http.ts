import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { oneLine } from '../../core/errors.js';

export const MCP_PATH = '/mcp';
const HOST = '127.0.0.1';
/** POST bodies above this are refused (tool arguments are small). */
const MAX_BODY = 4 * 1024 * 1024;

export interface HttpServerHandle {
  port: number;
  url: string;
  close(): Promise<void>;
}

interface Session {
  transport: StreamableHTTPServerTransport;
  server: McpServer;
}

/**
 * Streamable HTTP on 127.0.0.1 only, one MCP server per session (the SDK's stateful pattern: a session starts
 * with an initialize POST without `mcp-session-id`, later requests carry the id the server gave, DELETE ends it).
 *
 * DNS-rebinding protection: a web page in the user's browser can make a name it controls resolve to 127.0.0.1;
 * its requests then carry that name in Host (and its own Origin). Only Host 127.0.0.1:<port> / localhost:<port>
 * and, when present, a matching http Origin are served; everything else gets 403 before the MCP layer sees it.
 */
export async function serveHttp(
  makeServer: () => McpServer,
  opts: { port: number; log: (line: string) => void },
): Promise<HttpServerHandle> {
  const sessions = new Map<string, Session>();
  let allowedHosts: string[] = [];
  let allowedOrigins: string[] = [];

  const reply = (res: http.ServerResponse, status: number, message: string, code = -32000) => {
    if (res.headersSent) return;
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null }));
  };

  const httpServer = http.createServer((req, res) => {
    void handle(req, res).catch((e) => {
      opts.log(`http: ${oneLine(e)}`);
      reply(res, 500, 'Internal server error', -32603);
    });
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const host = (req.headers.host ?? '').toLowerCase();
    if (!allowedHosts.includes(host)) return reply(res, 403, `Forbidden: host "${host}" is not allowed`);
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedOrigins.includes(origin.toLowerCase())) {
      return reply(res, 403, `Forbidden: origin "${origin}" is not allowed`);
    }
    const url = new URL(req.url ?? '/', `http://${host}`);
    if (url.pathname !== MCP_PATH) return reply(res, 404, `Not found: the MCP endpoint is ${MCP_PATH}`);

    const sid = req.headers['mcp-session-id'];
    const sessionId = Array.isArray(sid) ? sid[0] : sid;
    const session = sessionId ? sessions.get(sessionId) : undefined;

    if (req.method === 'POST') {
      const body = await readJson(req);
      if (body === TOO_LARGE) return reply(res, 413, 'Request body too large');
      if (body === INVALID) return reply(res, 400, 'Parse error: the body is not JSON', -32700);
      if (session) return session.transport.handleRequest(req, res, body);
      if (sessionId) return reply(res, 404, 'Session not found', -32001);
      if (!isInitializeRequest(body)) return reply(res, 400, 'Bad Request: No valid session ID provided');
      const server = makeServer();
      const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        // Also checked above; kept on for defence in depth.
        enableDnsRebindingProtection: true,
        allowedHosts,
        allowedOrigins,
        onsessioninitialized: (id) => {
          sessions.set(id, { transport, server });
        },
      });
      transport.onclose = () => {
        const id = transport.sessionId;
        if (id) sessions.delete(id);
        void server.close().catch(() => undefined);
      };
      await server.connect(transport);
      return transport.handleRequest(req, res, body);
    }
    if (req.method === 'GET' || req.method === 'DELETE') {
      if (!sessionId) return reply(res, 400, 'Bad Request: missing mcp-session-id');
      if (!session) return reply(res, 404, 'Session not found', -32001);
      return session.transport.handleRequest(req, res);
    }
    res.setHeader('allow', 'GET, POST, DELETE');
    return reply(res, 405, 'Method not allowed');
  }

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(opts.port, HOST, () => {
      httpServer.off('error', reject);
      resolve();
    });
  });
  const port = (httpServer.address() as AddressInfo).port;
  allowedHosts = [`127.0.0.1:${port}`, `localhost:${port}`];
  allowedOrigins = allowedHosts.map((h) => `http://${h}`);
  const url = `http://${HOST}:${port}${MCP_PATH}`;

  return {
    port,
    url,
    close: async () => {
      for (const s of [...sessions.values()]) await s.transport.close().catch(() => undefined);
      sessions.clear();
      httpServer.closeAllConnections();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    },
  };
}

const TOO_LARGE = Symbol('too large');
const INVALID = Symbol('invalid');

async function readJson(req: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) return TOO_LARGE;
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return INVALID;
  }
}
