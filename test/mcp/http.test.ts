/**
 * The same flow over Streamable HTTP (`mstf mcp --http 0`, 127.0.0.1 only), plus the DNS-rebinding guard.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, connectHttp, makeWorkspace, stopStarted, type Connected, type Workspace } from './harness.js';
import {
  badArgumentsAreOneLineErrors,
  cancelStopsARunningSearch,
  listsEveryTool,
  searchCompletesAndMatchesCli,
} from './flow.js';

/** A raw POST with chosen Host / Origin headers: what a DNS-rebinding page in a browser would send. */
function post(url: string, headers: Record<string, string>): Promise<number> {
  const u = new URL(url);
  const body = JSON.stringify({
    jsonrpc: '2.0',
    id: 1,
    method: 'initialize',
    params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'x', version: '0' } },
  });
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: u.hostname,
        port: u.port,
        path: u.pathname,
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
      },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
        req.destroy();
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('mstf mcp --http', () => {
  let ws: Workspace;
  let conn: Connected & { url: string };

  beforeAll(async () => {
    assertBuilt();
    ws = makeWorkspace();
    conn = await connectHttp(ws);
  });

  afterAll(async () => {
    await conn?.close();
    await stopStarted();
    ws?.cleanup();
  });

  it('listens on 127.0.0.1 only', () => {
    expect(conn.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
  });

  it('lists every tool', async () => {
    await listsEveryTool(conn.client);
  });

  it('starts a tiny search that completes; results equal `runs show --json`', async () => {
    await searchCompletesAndMatchesCli(conn.client, ws);
  });

  it('cancel_search stops a running search and is idempotent', async () => {
    await cancelStopsARunningSearch(conn.client);
  });

  it('refuses bad arguments with one clear line and keeps serving', async () => {
    await badArgumentsAreOneLineErrors(conn.client);
  });

  it('refuses requests whose Host or Origin is not 127.0.0.1 / localhost at its port', async () => {
    const port = new URL(conn.url).port;
    expect(await post(conn.url, { host: `evil.example:${port}` })).toBe(403);
    expect(await post(conn.url, { host: `127.0.0.1:${port}`, origin: 'http://evil.example' })).toBe(403);
    expect(await post(conn.url, { host: `localhost:${Number(port) + 1}` })).toBe(403);
    // The same request from an allowed host starts a session.
    expect(await post(conn.url, { host: `localhost:${port}`, origin: `http://localhost:${port}` })).toBe(200);
  });
});
