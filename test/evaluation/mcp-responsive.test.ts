/**
 * The MCP server keeps answering while it scores an architecture: score_architecture runs in a pool thread,
 * so list_searches (SDK client, built server over stdio) answers within 200 ms meanwhile.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, callOk, connectStdio, makeWorkspace, type Connected, type Workspace } from '../mcp/harness.js';

let ws: Workspace;
let conn: Connected;

beforeAll(async () => {
  assertBuilt();
  ws = makeWorkspace();
  conn = await connectStdio(ws);
}, 120_000);

afterAll(async () => {
  await conn?.close();
  ws?.cleanup();
});

describe('MCP server responsiveness', () => {
  it('list_searches answers within 200 ms while score_architecture runs in the same server', { timeout: 300_000 }, async () => {
    await callOk(conn.client, 'list_searches'); // warm: the tool path itself, not its first import
    // A network that takes seconds to score (cpu preset: C0 = 16, 32 images, jacob_cov + synflow).
    const genotype = '1,0,2,0,6,0,5,0,1,3,5,2,0,3,4,0,5,1,4,2,1,3,6,0,4,1,0,5,4,0,3,0,5,0,0,2,6,4,2,2,0,3';
    let scored = false;
    const scoring = conn.client
      .callTool({ name: 'score_architecture', arguments: { genotype } }, undefined, { timeout: 250_000 })
      .finally(() => {
        scored = true;
      });
    const latencies: number[] = [];
    while (!scored) {
      const t0 = performance.now();
      const r = await callOk(conn.client, 'list_searches');
      if (scored) break; // answered after the scoring ended: says nothing
      latencies.push(performance.now() - t0);
      expect(r).toHaveProperty('searches');
      await new Promise((res) => setTimeout(res, 100));
    }
    const r = await scoring;
    expect(r.isError, JSON.stringify(r.content)).toBeFalsy();
    const result = r.structuredContent as { scores: Record<string, number> };
    expect(typeof result.scores.jacob_cov).toBe('number');
    expect(typeof result.scores.synflow).toBe('number');
    // Several answers came while the network was being scored, each within 200 ms.
    expect(latencies.length).toBeGreaterThanOrEqual(3);
    expect(Math.max(...latencies), JSON.stringify(latencies.map(Math.round))).toBeLessThan(200);
  });
});
