/**
 * Figure output: a Vega-Lite spec compiled (vega-lite) and rendered headless to SVG (vega, no browser, no
 * canvas), and any SVG rasterised to PNG by resvg (a Rust renderer shipped as a prebuilt npm binary).
 */
import fs from 'node:fs';
import path from 'node:path';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { Resvg, renderAsync, type ResvgRenderOptions } from '@resvg/resvg-js';
import { MstfError } from '../errors.js';

export type FigureFormat = 'svg' | 'png';
export const FIGURE_FORMATS: readonly FigureFormat[] = ['svg', 'png'];

/** The fonts the SVGs ask for; resvg falls back to any installed sans-serif. */
export const FIGURE_FONT = 'DejaVu Sans, Helvetica, Arial, sans-serif';

/** Shared look: white background, readable sizes, one font. */
export const BASE_CONFIG = {
  background: 'white',
  font: FIGURE_FONT,
  axis: { labelFontSize: 11, titleFontSize: 12, grid: true, gridOpacity: 0.5 },
  legend: { labelFontSize: 11, titleFontSize: 12 },
  title: { fontSize: 14, anchor: 'start' },
} as const;

/** Compile and render a Vega-Lite spec to a standalone SVG document. */
export async function vegaLiteToSvg(spec: TopLevelSpec): Promise<string> {
  const compiled = compile({ config: BASE_CONFIG, ...spec } as TopLevelSpec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    return svg.startsWith('<?xml') ? svg : `<?xml version="1.0" encoding="UTF-8"?>\n${svg}\n`;
  } finally {
    view.finalize();
  }
}

const pngOptions = (scale: number): ResvgRenderOptions => ({
  fitTo: { mode: 'zoom', value: scale },
  background: 'white',
  font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
});

/** Rasterise an SVG at `scale` times its size (2 = crisp on screens and in print). */
export function svgToPng(svg: string, scale = 2): Buffer {
  try {
    return new Resvg(svg, pngOptions(scale)).render().asPng();
  } catch (e) {
    throw new MstfError('INTERNAL', `PNG rendering failed: ${(e as Error).message}`);
  }
}

/** svgToPng in libuv's thread pool: a server's event loop keeps answering while the PNG is drawn. */
export async function svgToPngAsync(svg: string, scale = 2): Promise<Buffer> {
  try {
    return (await renderAsync(svg, pngOptions(scale))).asPng();
  } catch (e) {
    throw new MstfError('INTERNAL', `PNG rendering failed: ${(e as Error).message}`);
  }
}

/** Write `svg` as `<base>.svg` or `<base>.png`; returns the file written. */
export function writeFigure(svg: string, base: string, format: FigureFormat): string {
  const file = `${base}.${format}`;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, format === 'svg' ? svg : svgToPng(svg));
  return file;
}

export function parseFigureFormat(value: string): FigureFormat {
  if ((FIGURE_FORMATS as readonly string[]).includes(value)) return value as FigureFormat;
  throw new MstfError('INVALID_ARGUMENT', `unknown figure format "${value}" (use ${FIGURE_FORMATS.join(' or ')})`);
}
