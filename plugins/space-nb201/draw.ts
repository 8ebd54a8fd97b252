/**
 * SVG drawing of a NAS-Bench-201 architecture: the cell DAG (4 nodes, 6 labelled edges; `none` edges
 * dashed, nodes whose value ignores the cell input grey) and below it the macro skeleton, where each of the
 * 3 x N cells is one `<g class="cell">` box with its channel count and feature-map size.
 */
import { inferShapes, type NetworkIR, type NodeShape, svg, type Genotype } from '../../core/index.js';
import { EDGES, NB201_OPS, formatCell } from './cell.js';
import { STAGES, type Nb201Options } from './decode.js';

const { arrow, connector, el, group, labelledBox, svgDocument, text } = svg;
type Box = svg.Box;

const EDGE_COLORS: Record<string, string> = {
  none: '#aaaaaa',
  skip_connect: '#4a7bd0',
  nor_conv_1x1: '#d08a2a',
  nor_conv_3x3: '#c0392b',
  avg_pool_3x3: '#2e8b57',
};

const size = (s: NodeShape | undefined) => (s && s.length === 3 ? `${s[0]}x${s[1]}x${s[2]}` : '?');

/** Cell nodes whose value depends on the cell input (node 0 always does). */
export function liveNodes(g: Genotype): boolean[] {
  const live = [true, false, false, false];
  EDGES.forEach(([from, to], i) => {
    if (NB201_OPS[g[i]!] !== 'none' && live[from]) live[to] = true;
  });
  return live;
}

function cellDag(g: Genotype, x0: number, y0: number): { svg: string; w: number; h: number } {
  const R = 20;
  const gapX = 190;
  const cy = y0 + 150;
  const pos = [0, 1, 2, 3].map((n) => ({ x: x0 + 40 + n * gapX, y: cy }));
  const live = liveNodes(g);
  const parts: string[] = [
    text(x0, y0 + 10, `cell ${formatCell(g)}`, { 'text-anchor': 'start', 'font-weight': 'bold' }),
  ];
  EDGES.forEach(([from, to], i) => {
    const op = NB201_OPS[g[i]!]!;
    const a = pos[from]!;
    const b = pos[to]!;
    const span = to - from;
    // Adjacent nodes: a straight line. 0->2 and 0->3 arc above (nested), 1->3 below: no crossings.
    const bend = span === 1 ? 0 : (from === 1 ? 1 : -1) * 38 * span;
    const mx = (a.x + b.x) / 2;
    const my = cy + bend;
    parts.push(
      el('path', {
        d: `M${a.x + R},${a.y} Q${mx},${cy + 2 * bend} ${b.x - R},${b.y}`,
        fill: 'none',
        stroke: EDGE_COLORS[op],
        'stroke-width': 2,
        'stroke-dasharray': op === 'none' ? '4,3' : undefined,
        'marker-end': 'url(#arrow)',
      }),
      text(mx, my + (bend === 0 ? -10 : bend < 0 ? -6 : 12), op, { 'font-size': 11, fill: EDGE_COLORS[op] }),
    );
  });
  pos.forEach((p, n) => {
    parts.push(
      el('circle', { cx: p.x, cy: p.y, r: R, fill: live[n] ? '#e8eef7' : '#eeeeee', stroke: '#333' }),
      text(p.x, p.y, n === 0 ? 'in' : n === 3 ? 'out' : String(n)),
    );
  });
  return { svg: group({ class: 'cell-dag' }, parts), w: 80 + 3 * gapX, h: 255 };
}

export function drawNb201(g: Genotype, ir: NetworkIR, options: Nb201Options, classes: number): string {
  const shapes = inferShapes(ir);
  const PAD = 14;
  const dag = cellDag(g, PAD, PAD);
  const parts = [dag.svg];

  // Macro skeleton, one row per stage.
  const W = 108;
  const H = 34;
  const STEP = W + 22;
  let y = PAD + dag.h + 10;
  let width = dag.w + 2 * PAD;
  let previous: Box = { x: PAD, y, w: W, h: H };
  parts.push(
    group({ class: 'stem' }, [labelledBox(previous, ['stem conv 3x3', size(shapes.get('stem_bn'))], '#e4e4f4')]),
  );
  for (let s = 1; s <= STAGES; s++) {
    let x = PAD + STEP;
    if (s > 1) {
      const box: Box = { x, y, w: W, h: H };
      parts.push(
        group({ class: 'resblock' }, [
          labelledBox(box, ['ResNet block /2', size(shapes.get(`r${s - 1}_add`))], '#f6dede'),
          connector(previous, box),
        ]),
      );
      previous = box;
    }
    x += STEP;
    for (let i = 1; i <= options.cellsPerStage; i++) {
      const box: Box = { x, y, w: W, h: H };
      parts.push(
        group({ class: 'cell', 'data-cell': `stage${s}/cell${i}` }, [
          labelledBox(box, [`cell ${s}.${i}`, size(shapes.get(`s${s}c${i}_n3`))], '#fdf2d0'),
        ]),
        arrow(previous, box),
      );
      previous = box;
      x += STEP;
    }
    width = Math.max(width, x + PAD);
    y += H + 30;
  }
  const head: Box = { x: PAD + STEP, y, w: W + 30, h: H };
  parts.push(
    group({ class: 'head' }, [
      labelledBox(head, ['BN-ReLU-GAP-linear', `-> ${classes} classes`], '#e8eef7'),
      connector(previous, head),
    ]),
  );
  y += H + PAD;
  return svgDocument(width, y, `nb201 architecture ${formatCell(g)}`, parts);
}
