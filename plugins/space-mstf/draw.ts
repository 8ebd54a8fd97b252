/**
 * SVG drawing of an MSTF architecture, in the spirit of the paper's Fig. 6: one row per block, each with
 * its normal cell (the cell input, the nodes and their ops, the concatenation of the unconsumed nodes and
 * the 1x1 projection) and its reduction cell (the four pools and their concatenation), with channel
 * counts and feature-map sizes. The layout (dagre) and wire routing live in core/figures/architecture.ts;
 * this file only says what is drawn. Every cell is one `<g class="cell">`; dead nodes (built on `zero`)
 * are grey.
 */
import {
  inferShapes,
  type NetworkIR,
  type NodeShape,
  drawArchitectureFigure as drawArchitecture,
  type DrawNode,
  type DrawRow,
  type Genotype,
} from '../../core/index.js';
import { deadNodes, splitBlocks } from './genotype.js';
import { NORMAL_OPS, POOLS } from './ops.js';
import { blockChannels, type MstfOptions } from './decode.js';

const COLORS = { io: '#e8eef7', op: '#fdf2d0', dead: '#eeeeee', merge: '#dcefdc', pool: '#f6dede', macro: '#e4e4f4' };

const size = (s: NodeShape | undefined) => (s && s.length === 3 ? `${s[0]}x${s[1]}x${s[2]}` : s ? `${s[0]}` : '?');

export function drawMstf(g: Genotype, ir: NetworkIR, options: MstfOptions, classes: number): string {
  const shapes = inferShapes(ir);
  const blocks = splitBlocks(g);
  const rows: DrawRow[] = [];
  const links: { from: string; to: string }[] = [];

  rows.push({
    nodes: [
      { id: 'input', lines: ['input', size(shapes.get('input'))], fill: COLORS.io },
      { id: 'stem', lines: ['conv 3x3 + BN', `-> ${size(shapes.get('stem_bn'))}`], fill: COLORS.macro },
    ],
    edges: [{ from: 'input', to: 'stem' }],
    frames: [],
  });
  let previous = 'stem';

  blocks.forEach((block, i) => {
    const b = i + 1;
    const channels = blockChannels(options.channels, b);
    const dead = deadNodes(block);
    const normal = `b${b}/normal`;
    const reduction = `b${b}/reduction`;
    const id = (name: string) => `b${b}.${name}`;
    const nodes: DrawNode[] = [];
    const edges: { from: string; to: string }[] = [];

    // b > 1: the 1x1 conv that doubles the channels, before the cell.
    let entry = id('n0');
    if (b > 1) {
      nodes.push({
        id: id('expand'),
        lines: ['1x1 conv + BN', `${channels / 2} -> ${channels} ch`],
        fill: COLORS.macro,
        className: 'expand',
        data: { block: b },
      });
      edges.push({ from: id('expand'), to: id('n0') });
      entry = id('expand');
    }
    links.push({ from: previous, to: entry });

    nodes.push({
      id: id('n0'),
      lines: ['cell input', size(shapes.get(cellInputId(b)))],
      fill: COLORS.io,
      frame: normal,
    });
    block.nodes.forEach((n, j) => {
      const k = j + 1;
      const op = NORMAL_OPS[n.op]!;
      nodes.push({
        id: id(`n${k}`),
        lines: [`n${k}: ${op.label}`, n.input === 0 ? 'from input' : `from n${n.input}`],
        fill: dead[k] ? COLORS.dead : COLORS.op,
        className: dead[k] ? 'dead' : undefined,
        frame: normal,
      });
      edges.push({ from: id(`n${n.input}`), to: id(`n${k}`) });
    });
    nodes.push({
      id: id('concat'),
      lines: [`concat ${block.unconsumed.map((k) => `n${k}`).join(',')}`, `${block.unconsumed.length * channels} ch`],
      fill: COLORS.merge,
      frame: normal,
    });
    for (const k of block.unconsumed) edges.push({ from: id(`n${k}`), to: id('concat') });
    nodes.push({ id: id('proj'), lines: ['ReLU-1x1 conv-BN', `-> ${channels} ch`], fill: COLORS.merge, frame: normal });
    edges.push({ from: id('concat'), to: id('proj') });

    block.pools.forEach((p, j) => {
      nodes.push({
        id: id(`pool${j}`),
        lines: [`${POOLS[p]!.label} /2`, `1x1 conv -> ${channels / 4} ch`],
        fill: COLORS.pool,
        frame: reduction,
      });
      edges.push({ from: id('proj'), to: id(`pool${j}`) }, { from: id(`pool${j}`), to: id('reduce') });
    });
    nodes.push({
      id: id('reduce'),
      lines: ['concat', size(shapes.get(`b${b}_reduce_concat`))],
      fill: COLORS.merge,
      frame: reduction,
    });

    rows.push({
      nodes,
      edges,
      frames: [
        { id: normal, title: `block ${b} normal cell (C=${channels})`, cell: normal },
        { id: reduction, title: `block ${b} reduction cell`, cell: reduction },
      ],
    });
    previous = id('reduce');
  });

  rows.push({
    nodes: [
      { id: 'gap', lines: ['global avg pool', size(shapes.get('gap'))], fill: COLORS.macro },
      { id: 'dense', lines: ['dense', `-> ${classes} classes`], fill: COLORS.io },
    ],
    edges: [{ from: 'gap', to: 'dense' }],
    frames: [],
  });
  links.push({ from: previous, to: 'gap' });
  return drawArchitecture({ title: `mstf architecture ${g.join(',')}`, rows, links });
}

/** Id of the node that feeds block b's normal cell. */
function cellInputId(b: number): string {
  return b > 1 ? `b${b}_expand_bn` : 'stem_bn';
}
