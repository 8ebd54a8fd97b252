import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { oneLine } from '../../core/errors.js';
import type { McpLimits } from '../limits.js';
import { oneLineRpcError } from './rpc-errors.js';

export const MCP_PATH = '/mcp';
const HOST = '127.0.0.1';

export interface HttpServerHandle {
  port: number;
  url: string;
  close(): Promise<void>;
}

interface Session {
  transport: StreamableHTTPServerTransport;
  server: McpServer;
  /** Requests (and GET streams) in progress: a session is idle only when none is. */
  active: number;
  /** Closes the session after sessionIdleSeconds without a request. */
  idle?: NodeJS.Timeout;
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
  opts: {
    port: number;
    log: (line: string) => void;
    limits: Pick<McpLimits, 'maxMessageBytes' | 'maxSessions' | 'sessionIdleSeconds'>;
  },
): Promise<HttpServerHandle> {
  const { maxMessageBytes, maxSessions, sessionIdleSeconds } = opts.limits;
  const sessions = new Map<string, Session>();
  /** Sessions being initialised (not in `sessions` yet) count against maxSessions too. */
  let opening = 0;
  const idleMs = Math.max(1, Math.round(sessionIdleSeconds * 1000));

  /** Every request of a session is counted; when the last one ends the idle clock starts again. */
  const track = (session: Session, res: http.ServerResponse) => {
    session.active++;
    if (session.idle) clearTimeout(session.idle);
    session.idle = undefined;
    res.once('close', () => {
      session.active--;
      if (session.active === 0 && sessions.has(session.transport.sessionId ?? '')) armIdle(session);
    });
  };
  const armIdle = (session: Session) => {
    if (session.idle) clearTimeout(session.idle);
    session.idle = setTimeout(() => {
      opts.log(`session ${session.transport.sessionId} closed after ${sessionIdleSeconds} s without a request`);
      void session.transport.close().catch(() => undefined);
    }, idleMs);
    session.idle.unref();
  };
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
      const body = await readJson(req, maxMessageBytes);
      if (body === TOO_LARGE) {
        return reply(
          res,
          413,
          `Request body over the limit of ${maxMessageBytes} bytes (mstf mcp --max-message-bytes)`,
          -32600,
        );
      }
      if (body === INVALID) return reply(res, 400, 'Parse error: the body is not JSON', -32700);
      if (session) {
        track(session, res);
        return session.transport.handleRequest(req, res, body);
      }
      if (sessionId) return reply(res, 404, 'Session not found', -32001);
      if (!isInitializeRequest(body)) return reply(res, 400, 'Bad Request: No valid session ID provided');
      if (sessions.size + opening >= maxSessions) {
        return reply(
          res,
          503,
          `Too many sessions: ${sessions.size} are open, the limit is ${maxSessions}; end one (DELETE /mcp) or wait ${sessionIdleSeconds} s for an idle one to close (mstf mcp --max-sessions)`,
        );
      }
      const server = makeServer();
      const entry: Session = { transport: undefined as unknown as StreamableHTTPServerTransport, server, active: 0 };
      const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        // Also checked above; kept on for defence in depth.
        enableDnsRebindingProtection: true,
        allowedHosts,
        allowedOrigins,
        onsessioninitialized: (id) => {
          sessions.set(id, entry);
        },
      });
      entry.transport = transport;
      const send = transport.send.bind(transport);
      transport.send = (message, options) => send(oneLineRpcError(message), options);
      transport.onclose = () => {
        const id = transport.sessionId;
        if (id && sessions.get(id) === entry) sessions.delete(id);
        if (entry.idle) clearTimeout(entry.idle);
        void server.close().catch(() => undefined);
      };
      opening++;
      try {
        await server.connect(transport);
        track(entry, res);
        await transport.handleRequest(req, res, body);
      } finally {
        opening--;
      }
      // An initialisation that failed leaves no session behind.
      if (!transport.sessionId || !sessions.has(transport.sessionId)) await server.close().catch(() => undefined);
      return;
    }
    if (req.method === 'GET' || req.method === 'DELETE') {
      if (!sessionId) return reply(res, 400, 'Bad Request: missing mcp-session-id');
      if (!session) return reply(res, 404, 'Session not found', -32001);
      track(session, res);
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
      for (const s of [...sessions.values()]) {
        if (s.idle) clearTimeout(s.idle);
        await s.transport.close().catch(() => undefined);
      }
      sessions.clear();
      httpServer.closeAllConnections();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    },
  };
}

const TOO_LARGE = Symbol('too large');
const INVALID = Symbol('invalid');

/**
 * The body as JSON, TOO_LARGE past maxBytes (the rest is read and dropped, not buffered, so the client gets the
 * answer on a connection that stays usable) or INVALID.
 */
function readJson(req: http.IncomingMessage, maxBytes: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) chunks.push(chunk);
      else chunks.length = 0;
    });
    req.once('error', reject);
    req.once('end', () => {
      if (size > maxBytes) return resolve(TOO_LARGE);
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch {
        resolve(INVALID);
      }
    });
  });
}
