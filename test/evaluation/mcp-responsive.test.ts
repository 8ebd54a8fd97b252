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
  it('list_searches answers within 200 ms while score_architecture runs in the same server', {
    timeout: 300_000,
  }, async () => {
    const genotype = '1,0,2,0,6,0,5,0,1,3,5,2,0,3,4,0,5,1,4,2,1,3,6,0,4,1,0,5,4,0,3,0,5,0,0,2,6,4,2,2,0,3';
    // Warm: the tool paths and the server's scoring threads exist before the measurement.
    await callOk(conn.client, 'list_searches');
    await conn.client.callTool(
      { name: 'score_architecture', arguments: { genotype, channels: 8, batchSize: 8 } },
      undefined,
      { timeout: 250_000 },
    );
    // A network that takes seconds to score (cpu preset: C0 = 16, 32 images, jacob_cov + synflow).
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
    // Several answers came while the network was being scored, within 200 ms. The test machine is shared and
    // overloaded, so a rare answer may be late for reasons of its own; a main thread busy scoring would make
    // most of them late, and at least one by a whole indicator's run time (seconds).
    expect(latencies.length).toBeGreaterThanOrEqual(3);
    const sorted = [...latencies].sort((a, b) => a - b);
    const p90 = sorted[Math.floor(0.9 * (sorted.length - 1))]!;
    const shown = JSON.stringify(latencies.map(Math.round));
    expect(p90, shown).toBeLessThan(200);
    expect(sorted[sorted.length - 1]!, shown).toBeLessThan(1_000);
  });
});
