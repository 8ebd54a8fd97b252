/**
 * Architecture drawings (the paper's Fig. 6) laid out by dagre, a layered graph layout: a search space
 * describes its network as rows (stem, one per block, head), each a small graph of labelled boxes grouped
 * in frames (cells); dagre places each row left to right, rows are stacked top to bottom and joined by
 * elbow wires through the gap between rows.
 *
 * Wires are routed orthogonally on dagre's waypoints: horizontal inside a node's own rank (where no other
 * box shares its height), vertical only in the free channel between two ranks, so no wire passes behind a
 * box. Boxes are sized from their text (a conservative width per character of the drawing font), so
 * labels fit. Both properties are checked geometrically in the tests with a browser's text metrics.
 */
import dagre from '@dagrejs/dagre';
import { el, group, svgDocument, text, type Box } from '../arch/svg.js';

export interface DrawNode {
  id: string;
  /** First line bold-ish (12 px), further lines small (10 px). */
  lines: string[];
  fill: string;
  /** Extra CSS classes (e.g. "dead"). */
  className?: string;
  /** The frame (cell) it belongs to. */
  frame?: string;
  /** data-* attributes for tests and tools. */
  data?: Record<string, string | number>;
}

export interface DrawFrame {
  id: string;
  title: string;
  /** Written as data-cell on the frame's <g class="cell">. */
  cell?: string;
}

export interface DrawRow {
  nodes: DrawNode[];
  edges: { from: string; to: string }[];
  frames: DrawFrame[];
}

export interface ArchitectureDrawing {
  title: string;
  rows: DrawRow[];
  /** Wires from a node of row k to a node of row k + 1 (last rank of k to first rank of k + 1). */
  links: { from: string; to: string }[];
}

/** Font metrics: DejaVu Sans, the widest common sans-serif, averages < 0.62 em per character. */
const CHAR_EM = 0.64;
const FONT = { first: 12, rest: 10 };
const PAD_X = 10;
const LINE = 14;
const MIN_W = 70;
const ROW_GAP = 56;
const MARGIN = 16;
const FRAME_TITLE = 16;

/** Width of `s` at `size` px by the conservative estimate above. */
export function textWidth(s: string, size: number): number {
  return s.length * size * CHAR_EM;
}

function boxSize(lines: string[]): { width: number; height: number } {
  const widest = Math.max(...lines.map((l, i) => textWidth(l, i === 0 ? FONT.first : FONT.rest)));
  return { width: Math.max(MIN_W, Math.ceil(widest + 2 * PAD_X)), height: 12 + lines.length * LINE };
}

interface PlacedRow {
  boxes: Map<string, Box>;
  frames: Map<string, Box>;
  /** Wires as polylines (absolute coordinates). */
  wires: { from: string; to: string; points: [number, number][] }[];
  width: number;
  height: number;
}

const near = (a: number, b: number) => Math.abs(a - b) < 0.5;

/** Lay out one row with dagre (left to right) and route its wires orthogonally. */
function layoutRow(row: DrawRow): PlacedRow {
  const g = new dagre.graphlib.Graph({ compound: true, multigraph: false });
  g.setGraph({ rankdir: 'LR', nodesep: 14, ranksep: 40, marginx: 0, marginy: FRAME_TITLE, ranker: 'network-simplex' });
  g.setDefaultEdgeLabel(() => ({}));
  for (const f of row.frames) g.setNode(f.id, { paddingTop: FRAME_TITLE });
  for (const n of row.nodes) {
    g.setNode(n.id, boxSize(n.lines));
    if (n.frame) g.setParent(n.id, n.frame);
  }
  for (const e of row.edges) g.setEdge(e.from, e.to);
  dagre.layout(g);

  const boxes = new Map<string, Box>();
  for (const n of row.nodes) {
    const p = g.node(n.id);
    boxes.set(n.id, { x: p.x - p.width / 2, y: p.y - p.height / 2, w: p.width, h: p.height });
  }
  const frames = new Map<string, Box>();
  for (const f of row.frames) {
    const p = g.node(f.id);
    frames.set(f.id, {
      x: p.x - p.width / 2,
      y: p.y - p.height / 2 - FRAME_TITLE,
      w: p.width,
      h: p.height + FRAME_TITLE,
    });
  }
  // Rank bands: boxes sharing a centre x are one rank; a channel between two ranks is free of boxes.
  const all = [...boxes.values()];
  const rightOf = (x: number) => Math.max(x, ...all.filter((b) => near(b.x + b.w / 2, x)).map((b) => b.x + b.w));
  const leftOf = (x: number) => Math.min(x, ...all.filter((b) => near(b.x + b.w / 2, x)).map((b) => b.x));

  const wires = row.edges.map((e) => {
    const a = boxes.get(e.from)!;
    const b = boxes.get(e.to)!;
    const inner = (g.edge(e.from, e.to).points ?? [])
      .slice(1, -1)
      .map((p: { x: number; y: number }): [number, number] => [p.x, p.y]);
    // Waypoints: the source's centre, dagre's dummy positions (one per rank crossed), the target's centre.
    const way: [number, number][] = [[a.x + a.w / 2, a.y + a.h / 2], ...inner, [b.x + b.w / 2, b.y + b.h / 2]];
    const points: [number, number][] = [[a.x + a.w, way[0]![1]]];
    for (let i = 0; i + 1 < way.length; i++) {
      const [x0, y0] = way[i]!;
      const [x1, y1] = way[i + 1]!;
      if (near(x0, x1)) continue; // dagre sometimes repeats a point in one rank
      const channel = (rightOf(x0) + leftOf(x1)) / 2;
      points.push([channel, y0], [channel, y1]);
    }
    points.push([b.x, way[way.length - 1]![1]]);
    return { from: e.from, to: e.to, points: simplify(points) };
  });
  const right = Math.max(...all.map((b) => b.x + b.w), ...[...frames.values()].map((f) => f.x + f.w));
  const bottom = Math.max(...all.map((b) => b.y + b.h), ...[...frames.values()].map((f) => f.y + f.h));
  return { boxes, frames, wires, width: right, height: bottom };
}

/** Drop repeated points and the middle of three collinear ones. */
function simplify(points: [number, number][]): [number, number][] {
  const out: [number, number][] = [];
  for (const p of points) {
    const last = out[out.length - 1];
    if (last && near(last[0], p[0]) && near(last[1], p[1])) continue;
    const prev = out[out.length - 2];
    if (
      prev &&
      last &&
      ((near(prev[0], last[0]) && near(last[0], p[0])) || (near(prev[1], last[1]) && near(last[1], p[1])))
    )
      out.pop();
    out.push(p);
  }
  return out;
}

const shift = (b: Box, dx: number, dy: number): Box => ({ x: b.x + dx, y: b.y + dy, w: b.w, h: b.h });

function wirePath(points: [number, number][], from: string, to: string): string {
  const d = points
    .map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${Math.round(x * 10) / 10},${Math.round(y * 10) / 10}`)
    .join(' ');
  return el('path', {
    class: 'wire',
    d,
    fill: 'none',
    stroke: '#555',
    'marker-end': 'url(#arrow)',
    'data-from': from,
    'data-to': to,
  });
}

function nodeSvg(n: DrawNode, b: Box): string {
  const cx = b.x + b.w / 2;
  const first = b.y + b.h / 2 - ((n.lines.length - 1) * LINE) / 2;
  const data = Object.fromEntries(Object.entries(n.data ?? {}).map(([k, v]) => [`data-${k}`, v]));
  return group({ class: n.className ? `node ${n.className}` : 'node', 'data-id': n.id, ...data }, [
    el('rect', { x: b.x, y: b.y, width: b.w, height: b.h, rx: 5, fill: n.fill, stroke: '#333' }),
    ...n.lines.map((l, i) =>
      text(cx, first + i * LINE, l, i === 0 ? { 'font-size': FONT.first } : { 'font-size': FONT.rest, fill: '#444' }),
    ),
  ]);
}

/** The whole drawing as one SVG document. */
export function drawArchitecture(d: ArchitectureDrawing): string {
  const placed = d.rows.map(layoutRow);
  const parts: string[] = [];
  const where = new Map<string, { row: number; box: Box }>();
  let y = MARGIN;
  const tops: number[] = [];
  const bottoms: number[] = [];
  placed.forEach((p, r) => {
    const dx = MARGIN;
    const dy = y;
    tops.push(dy);
    bottoms.push(dy + p.height);
    const row = d.rows[r]!;
    // Each frame (cell) groups its boxes; wires come last (they never cross a box, so order only
    // matters at the arrowheads).
    const nodeParts = (frame: string | undefined) =>
      row.nodes
        .filter((n) => n.frame === frame)
        .map((n) => {
          const b = shift(p.boxes.get(n.id)!, dx, dy);
          where.set(n.id, { row: r, box: b });
          return nodeSvg(n, b);
        });
    for (const f of row.frames) {
      const b = shift(p.frames.get(f.id)!, dx, dy);
      parts.push(
        group({ class: 'cell', 'data-cell': f.cell ?? f.id }, [
          el('rect', {
            class: 'frame',
            x: b.x,
            y: b.y,
            width: b.w,
            height: b.h,
            rx: 8,
            fill: 'none',
            stroke: '#888',
            'stroke-dasharray': '5,3',
          }),
          // Top right: wires enter a row at its left (first rank) and leave downwards from its last rank.
          text(b.x + b.w - 8, b.y + 10, f.title, {
            class: 'frame-title',
            'text-anchor': 'end',
            'font-weight': 'bold',
            'font-size': 11,
          }),
          ...nodeParts(f.id),
        ]),
      );
    }
    parts.push(...nodeParts(undefined));
    for (const w of p.wires)
      parts.push(
        wirePath(
          w.points.map(([x, yy]) => [x + dx, yy + dy]),
          w.from,
          w.to,
        ),
      );
    y = dy + p.height + ROW_GAP;
  });
  // Row links: down from the source, across in the middle of the gap, down into the target.
  for (const l of d.links) {
    const a = where.get(l.from)!;
    const b = where.get(l.to)!;
    const gapY = (bottoms[a.row]! + tops[b.row]!) / 2 - FRAME_TITLE / 2;
    const x1 = a.box.x + a.box.w / 2;
    const x2 = b.box.x + b.box.w / 2;
    parts.push(
      wirePath(
        simplify([
          [x1, a.box.y + a.box.h],
          [x1, gapY],
          [x2, gapY],
          [x2, b.box.y],
        ]),
        l.from,
        l.to,
      ),
    );
  }
  const width = Math.max(...placed.map((p) => p.width)) + 2 * MARGIN;
  const height = y - ROW_GAP + MARGIN;
  return svgDocument(width, height, d.title, parts);
}
