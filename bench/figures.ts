/**
 * `npm run bench -- figures <searchId> [--store FILE]`: milliseconds of the MCP figures of a completed search
 * (Fig. 5 and its pick's drawing): SVG layout (vega, dagre) and PNG rasterising (resvg), three repetitions,
 * with the PNG sizes. The MCP server runs both in its figure thread (docs/mcp.md, "Figures").
 */
import 'reflect-metadata';
import { bootKernel, resolveSettings } from '../core/kernel/index.js';
import { svgToPng } from '../core/figures/render.js';
import { frontsFigure } from '../core/search/report.js';
import { SearchService } from '../core/search/service.js';
import { builtinPlugins } from '../plugins/index.js';

const searchId = process.argv[3];
const storeAt = process.argv.indexOf('--store');
if (!searchId) {
  process.stderr.write('usage: npm run bench -- figures <searchId> [--store FILE]\n');
  process.exit(2);
}
const settings = resolveSettings({ readOnlyStore: true, ...(storeAt > 0 ? { store: process.argv[storeAt + 1] } : {}) });
const kernel = await bootKernel({ settings, builtins: builtinPlugins });
const service = SearchService.fromKernel(kernel);
const since = (t: number) => (performance.now() - t).toFixed(0);
for (let rep = 0; rep < 3; rep++) {
  let t = performance.now();
  const fig5 = await frontsFigure(service, searchId, service.show(searchId));
  const fig5Svg = since(t);
  t = performance.now();
  const drawing = service.architecture(searchId).svg;
  const drawingSvg = since(t);
  t = performance.now();
  const fig5Png = svgToPng(fig5);
  const fig5Ms = since(t);
  t = performance.now();
  const drawingPng = svgToPng(drawing);
  const drawingMs = since(t);
  console.log(
    `rep ${rep}: Fig. 5 svg ${fig5Svg} ms, png ${fig5Ms} ms (${fig5Png.length} B) | drawing svg ${drawingSvg} ms, png ${drawingMs} ms (${drawingPng.length} B)`,
  );
}
