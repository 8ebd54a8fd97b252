/**
 * Figures over MCP (stdio, built server): the architecture drawing and a search's Pareto plot (Fig. 5) as PNG
 * image content on request, and as blob resources. PNGs are checked against the PNG specification (the
 * 8-byte signature, then the IHDR chunk with width and height), not against the renderer's own output.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallToolResult, ImageContent } from '@modelcontextprotocol/sdk/types.js';
import {
  assertBuilt,
  call,
  callOk,
  connectStdio,
  makeWorkspace,
  pollStatus,
  stopStarted,
  type Connected,
  type Workspace,
} from './harness.js';
import { TINY } from './flow.js';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Width and height of a PNG from its IHDR chunk (PNG spec 11.2.2: the first chunk, 13 bytes, big-endian sizes). */
function pngSize(data: Buffer): { width: number; height: number } {
  expect(data.subarray(0, 8).equals(SIGNATURE)).toBe(true);
  expect(data.readUInt32BE(8)).toBe(13);
  expect(data.toString('ascii', 12, 16)).toBe('IHDR');
  const size = { width: data.readUInt32BE(16), height: data.readUInt32BE(20) };
  expect(size.width).toBeGreaterThan(0);
  expect(size.height).toBeGreaterThan(0);
  return size;
}

function imageOf(r: CallToolResult): Buffer {
  expect(r.isError).toBeFalsy();
  const images = r.content.filter((c): c is ImageContent => c.type === 'image');
  expect(images).toHaveLength(1);
  expect(images[0]!.mimeType).toBe('image/png');
  return Buffer.from(images[0]!.data, 'base64');
}

describe('figures through MCP: image content and PNG resources', () => {
  let ws: Workspace;
  let conn: Connected;
  let searchId: string;
  let selected: { hash: string; genotype: string };

  beforeAll(async () => {
    assertBuilt();
    ws = makeWorkspace();
    conn = await connectStdio(ws);
    searchId = (await callOk(conn.client, 'start_search', TINY)).searchId;
    await pollStatus(conn.client, searchId, (s) => s.status === 'completed');
    selected = (await callOk(conn.client, 'get_selected_architecture', { searchId })).selected;
  }, 120_000);

  afterAll(async () => {
    await conn?.close();
    await stopStarted();
    ws?.cleanup();
  });

  it('get_pareto_front is text-only by default; image: true adds Fig. 5 as PNG, the same as the pareto.png resource', async () => {
    const plain = await call(conn.client, 'get_pareto_front', { searchId });
    expect(plain.content.map((c) => c.type)).toEqual(['text']);

    const r = await call(conn.client, 'get_pareto_front', { searchId, image: true });
    expect(r.content[0]!.type).toBe('text');
    expect(r.structuredContent).toEqual(plain.structuredContent);
    const png = imageOf(r);
    const size = pngSize(png);
    // One panel per indicator side by side (jacob_cov, synflow): wider than high.
    expect(size.width).toBeGreaterThan(size.height);

    const res = await conn.client.readResource({ uri: `mstf://searches/${searchId}/pareto.png` });
    expect(res.contents).toHaveLength(1);
    const blob = res.contents[0] as { uri: string; mimeType?: string; blob?: string };
    expect(blob.mimeType).toBe('image/png');
    expect(pngSize(Buffer.from(blob.blob!, 'base64'))).toEqual(size);
  });

  it('describe_architecture with image: true draws the member; by genotype with the same options, and as a resource, the same PNG', async () => {
    const plain = await call(conn.client, 'describe_architecture', { searchId, hash: selected.hash });
    expect(plain.content.map((c) => c.type)).toEqual(['text']);

    const byMember = imageOf(
      await call(conn.client, 'describe_architecture', { searchId, hash: selected.hash.slice(0, 8), image: true }),
    );
    pngSize(byMember);
    const byGenotype = imageOf(
      await call(conn.client, 'describe_architecture', {
        genotype: selected.genotype,
        dataset: TINY.dataset,
        channels: TINY.channels,
        image: true,
      }),
    );
    expect(byGenotype.equals(byMember)).toBe(true);
    // Another channel count draws other numbers: a different picture.
    const wider = imageOf(
      await call(conn.client, 'describe_architecture', {
        genotype: selected.genotype,
        dataset: TINY.dataset,
        channels: 4 * TINY.channels,
        image: true,
      }),
    );
    expect(wider.equals(byMember)).toBe(false);

    const res = await conn.client.readResource({
      uri: `mstf://searches/${searchId}/architectures/${selected.hash}.png`,
    });
    const blob = res.contents[0] as { mimeType?: string; blob?: string };
    expect(blob.mimeType).toBe('image/png');
    expect(Buffer.from(blob.blob!, 'base64').equals(byMember)).toBe(true);

    const model = await call(conn.client, 'describe_architecture', { model: 'resnet18', image: true });
    expect(model.isError).toBe(true);
  });

  it('draws in a thread: list_searches sent after an image request is answered before it', async () => {
    const t0 = performance.now();
    let imageAt = 0;
    let listAt = 0;
    // The drawing's layout (dagre) is synchronous: on the event loop it would hold list_searches back.
    const image = call(conn.client, 'describe_architecture', { searchId, image: true }).then((r) => {
      imageAt = performance.now() - t0;
      return r;
    });
    const list = call(conn.client, 'list_searches').then((r) => {
      listAt = performance.now() - t0;
      return r;
    });
    const [r] = await Promise.all([image, list]);
    pngSize(imageOf(r));
    console.log(
      `figures: describe_architecture image ${imageAt.toFixed(0)} ms, list_searches sent after it ${listAt.toFixed(0)} ms`,
    );
    expect(listAt).toBeLessThan(imageAt);
  });

  it('lists both PNG templates; an unknown hash or search is -32002', async () => {
    const { resourceTemplates } = await conn.client.listResourceTemplates();
    const templates = resourceTemplates.map((t) => [t.uriTemplate, t.mimeType]);
    expect(templates).toContainEqual(['mstf://searches/{id}/pareto.png', 'image/png']);
    expect(templates).toContainEqual(['mstf://searches/{id}/architectures/{hash}.png', 'image/png']);

    await expect(
      conn.client.readResource({ uri: `mstf://searches/${searchId}/architectures/ffffffffffff.png` }),
    ).rejects.toMatchObject({ code: -32002 });
    await expect(conn.client.readResource({ uri: 'mstf://searches/no-such-search/pareto.png' })).rejects.toMatchObject({
      code: -32002,
    });
    await expect(
      conn.client.readResource({ uri: 'mstf://searches/no-such-search/architectures/abcd.png' }),
    ).rejects.toMatchObject({ code: -32002 });
  });
});
