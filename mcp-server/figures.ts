/**
 * Figures an assistant can look at: the architecture drawing (Fig. 6) and a search's Pareto plot (Fig. 5) as
 * PNG, for image content of describe_architecture / get_pareto_front (`image: true`) and for the resources
 * mstf://searches/{id}/pareto.png and mstf://searches/{id}/architectures/{hash}.png.
 *
 * The SVG is laid out on the event loop (a few ms to tens of ms, measured in docs/mcp.md); the rasterising,
 * the costly part, runs in libuv's thread pool (resvg's renderAsync), so other calls keep being answered.
 */
import type { ImageContent } from '@modelcontextprotocol/sdk/types.js';
import { drawArchitecture, type ArchRequest } from '../core/arch/describe.js';
import { svgToPngAsync } from '../core/figures/render.js';
import { frontsFigure } from '../core/search/report.js';
import type { searchMember } from './architectures.js';
import type { McpContext } from './context.js';
import { searchService } from './searches.js';

export const PNG = 'image/png';

export function imageContent(png: Buffer): ImageContent {
  return { type: 'image', mimeType: PNG, data: png.toString('base64') };
}

/** The drawing of one architecture (cells, nodes, ops, channel counts). */
export function architecturePng(ctx: McpContext, request: ArchRequest): Promise<Buffer> {
  return svgToPngAsync(drawArchitecture(ctx.kernel, request));
}

/** The request that builds a search member (searchMember's answer) as its search built it. */
export function memberRequest(m: Pick<ReturnType<typeof searchMember>, 'setup' | 'arch'>): ArchRequest {
  return { space: m.setup.config.space, genotype: m.arch.genotype, inputShape: m.setup.inputShape, classes: m.setup.classes, options: m.setup.spaceOptions };
}

/** The paper's Fig. 5 of a completed search: every candidate, the first front per generation, the pick. */
export async function paretoPng(ctx: McpContext, searchId: string): Promise<Buffer> {
  const service = searchService(ctx);
  return svgToPngAsync(await frontsFigure(service, searchId, service.show(searchId)));
}
