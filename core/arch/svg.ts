/**
 * A few SVG building blocks for architecture drawings (no dependency). Everything returned is well-formed
 * XML: text is escaped, attribute values are quoted and escaped.
 */

export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

type Attrs = Record<string, string | number | undefined>;

function attrs(a: Attrs): string {
  return Object.entries(a)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${escapeXml(typeof v === 'number' ? fmt(v) : v!)}"`)
    .join('');
}

/** Numbers with at most 1 decimal: small files, stable output. */
function fmt(v: number): string {
  return String(Math.round(v * 10) / 10);
}

export function el(name: string, a: Attrs, children: string[] | string = []): string {
  const body = Array.isArray(children) ? children.join('') : children;
  return body === '' ? `<${name}${attrs(a)}/>` : `<${name}${attrs(a)}>${body}</${name}>`;
}

export function text(x: number, y: number, content: string, a: Attrs = {}): string {
  return el('text', { x, y, 'text-anchor': 'middle', 'dominant-baseline': 'middle', ...a }, escapeXml(content));
}

export function group(a: Attrs, children: string[]): string {
  return el('g', a, children);
}

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** A rounded box with one or two centred lines of text. */
export function labelledBox(b: Box, lines: string[], fill: string, a: Attrs = {}): string {
  const cx = b.x + b.w / 2;
  const cy = b.y + b.h / 2;
  const step = 13;
  const first = cy - ((lines.length - 1) * step) / 2;
  return group(a, [
    el('rect', { x: b.x, y: b.y, width: b.w, height: b.h, rx: 5, fill, stroke: '#333' }),
    ...lines.map((l, i) => text(cx, first + i * step, l, i === 0 ? {} : { 'font-size': 10, fill: '#444' })),
  ]);
}

/** Arrow from the right edge of `from` to the left edge of `to` (a straight line or a gentle curve). */
export function arrow(from: Box, to: Box, a: Attrs = {}): string {
  const x1 = from.x + from.w;
  const y1 = from.y + from.h / 2;
  const x2 = to.x;
  const y2 = to.y + to.h / 2;
  const mx = (x1 + x2) / 2;
  return el('path', {
    d: `M${fmt(x1)},${fmt(y1)} C${fmt(mx)},${fmt(y1)} ${fmt(mx)},${fmt(y2)} ${fmt(x2)},${fmt(y2)}`,
    fill: 'none',
    stroke: '#555',
    'marker-end': 'url(#arrow)',
    ...a,
  });
}

/** Elbow connector between rows: down from `from`'s bottom, across, down into `to`'s top. */
export function connector(from: Box, to: Box): string {
  const x1 = from.x + from.w / 2;
  const y1 = from.y + from.h;
  const x2 = to.x + to.w / 2;
  const y2 = to.y;
  const ym = y2 - 14;
  return el('path', {
    d: `M${fmt(x1)},${fmt(y1)} L${fmt(x1)},${fmt(ym)} L${fmt(x2)},${fmt(ym)} L${fmt(x2)},${fmt(y2)}`,
    fill: 'none',
    stroke: '#555',
    'marker-end': 'url(#arrow)',
  });
}

/** The whole document: white background, an arrowhead marker and the given content. */
export function svgDocument(width: number, height: number, title: string, content: string[]): string {
  const defs = el('defs', {}, [
    el(
      'marker',
      {
        id: 'arrow',
        viewBox: '0 0 10 10',
        refX: 10,
        refY: 5,
        markerWidth: 8,
        markerHeight: 8,
        markerUnits: 'userSpaceOnUse',
        orient: 'auto-start-reverse',
      },
      [el('path', { d: 'M0,0 L10,5 L0,10 z', fill: '#555' })],
    ),
  ]);
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    el(
      'svg',
      {
        xmlns: 'http://www.w3.org/2000/svg',
        width: Math.ceil(width),
        height: Math.ceil(height),
        viewBox: `0 0 ${Math.ceil(width)} ${Math.ceil(height)}`,
        'font-family': 'Helvetica, Arial, sans-serif',
        'font-size': 12,
      },
      [
        el('title', {}, escapeXml(title)),
        defs,
        el('rect', { width: '100%', height: '100%', fill: 'white' }),
        ...content,
      ],
    ) +
    '\n'
  );
}
