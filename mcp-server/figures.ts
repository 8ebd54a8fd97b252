/**
 * Figures an assistant can look at: the architecture drawing (Fig. 6) and a search's Pareto plot (Fig. 5) as
 * PNG, for image content of describe_architecture / get_pareto_front (`image: true`) and for the resources
 * mstf://searches/{id}/pareto.png and mstf://searches/{id}/architectures/{hash}.png.
 *
 * Layout and rasterising take a few hundred ms of CPU (measured in docs/mcp.md), so they run in one figure
 * thread (figure-worker.ts) that ends after a minute without work; the event loop keeps answering.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { ImageContent } from '@modelcontextprotocol/sdk/types.js';
import type { ArchRequest } from '../core/arch/describe.js';
import { packageRoot } from '../core/data/locations.js';
import { MstfError, type MstfErrorCode } from '../core/errors.js';
import type { searchMember } from './architectures.js';
import type { McpContext } from './context.js';
import type { FigureReply, FigureTask } from './figure-worker.js';

export const PNG = 'image/png';

export function imageContent(png: Buffer): ImageContent {
  return { type: 'image', mimeType: PNG, data: png.toString('base64') };
}

/** The request that builds a search member (searchMember's answer) as its search built it. */
export function memberRequest(m: Pick<ReturnType<typeof searchMember>, 'setup' | 'arch'>): ArchRequest {
  return {
    space: m.setup.config.space,
    genotype: m.arch.genotype,
    inputShape: m.setup.inputShape,
    classes: m.setup.classes,
    options: m.setup.spaceOptions,
  };
}

/** The compiled worker module. Running from TypeScript sources (tests) the thread uses dist/: build first. */
function workerFile(): string {
  const here = fileURLToPath(import.meta.url);
  const file = here.endsWith('.ts')
    ? path.join(packageRoot(), 'dist', 'mcp-server', 'figure-worker.js')
    : path.join(path.dirname(here), 'figure-worker.js');
  if (!fs.existsSync(file)) throw new MstfError('INTERNAL', `figure worker ${file} is missing: run \`npm run build\``);
  return file;
}

/**
 * The server's two thread pools (this figure thread, score_architecture's scoring threads) both end a thread after
 * this long without work. Two pools, not one with two task kinds: docs/decisions.md "MCP thread pools (#17)".
 */
export const THREAD_IDLE_MS = 60_000;

let pool: Piscina | undefined;

async function render(
  ctx: McpContext,
  what: { kind: 'architecture'; request: ArchRequest } | { kind: 'pareto'; searchId: string },
): Promise<Buffer> {
  pool ??= new Piscina({ filename: workerFile(), minThreads: 0, maxThreads: 1, idleTimeout: THREAD_IDLE_MS });
  // The server's own --plugin values, so a third-party space draws in the thread as it does here.
  const extraPlugins = ctx.childFlags.flatMap((f, i) => (ctx.childFlags[i - 1] === '--plugin' ? [f] : []));
  const task: FigureTask = { settings: ctx.settings, extraPlugins, options: ctx.kernel.boot.options, ...what };
  const reply = (await pool.run(task)) as FigureReply;
  if ('error' in reply) throw new MstfError(reply.error.code as MstfErrorCode, reply.error.message);
  return Buffer.from(reply.png);
}

/** The drawing of one architecture (cells, nodes, ops, channel counts). */
export function architecturePng(ctx: McpContext, request: ArchRequest): Promise<Buffer> {
  return render(ctx, { kind: 'architecture', request });
}

/** The paper's Fig. 5 of a completed search: every candidate, the first front per generation, the pick. */
export function paretoPng(ctx: McpContext, searchId: string): Promise<Buffer> {
  return render(ctx, { kind: 'pareto', searchId });
}
