/**
 * The figure thread of the MCP server: lays out a drawing or Fig. 5 (dagre, vega) and rasterises it (resvg),
 * so the server's event loop never spends the few hundred ms this takes. It boots its own kernel (built-ins,
 * mstf.config.json, --plugin, --option) once, with the run store opened read-only. Errors come back as data so their
 * code survives the thread boundary.
 */
import 'reflect-metadata';
import { drawArchitecture, type ArchRequest } from '../core/arch/describe.js';
import { isMstfError, oneLine } from '../core/errors.js';
import { svgToPng } from '../core/figures/render.js';
import { bootKernel, type Kernel } from '../core/kernel/index.js';
import type { Settings } from '../core/kernel/settings.js';
import { frontsFigure } from '../core/search/report.js';
import { SearchService } from '../core/search/service.js';
import { builtinPlugins } from '../plugins/index.js';

export type FigureTask = { settings: Settings; extraPlugins: string[]; options: string[] } & (
  | { kind: 'architecture'; request: ArchRequest }
  | { kind: 'pareto'; searchId: string }
);
export type FigureReply = { png: Uint8Array } | { error: { code: string; message: string } };

let booted: { key: string; kernel: Promise<Kernel> } | undefined;

function kernelFor(task: FigureTask) {
  const settings: Settings = { ...task.settings, readOnlyStore: true };
  const key = JSON.stringify([settings, task.extraPlugins, task.options]);
  if (booted?.key !== key) {
    // Another store or plugin set: the previous kernel's store is closed before the new one opens.
    booted?.kernel.then((k) => k.dispose()).catch(() => {});
    booted = {
      key,
      kernel: bootKernel({
        settings,
        builtins: builtinPlugins,
        extraPlugins: task.extraPlugins,
        options: task.options,
      }),
    };
  }
  return booted;
}

export default async function renderFigure(task: FigureTask): Promise<FigureReply> {
  try {
    const b = kernelFor(task);
    const kernel = await b.kernel;
    let svg: string;
    if (task.kind === 'architecture') {
      svg = drawArchitecture(kernel, task.request);
    } else {
      const service = kernel.resolve(SearchService);
      svg = await frontsFigure(service, task.searchId, service.show(task.searchId));
    }
    return { png: svgToPng(svg) };
  } catch (e) {
    return { error: { code: isMstfError(e) ? e.code : 'INTERNAL', message: oneLine(e) } };
  }
}
