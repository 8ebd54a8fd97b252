/**
 * SVG drawing of an MSTF architecture, in the spirit of the paper's Fig. 6: one row per block, each with
 * its normal cell (nodes by depth, ops, wiring, the concatenation of the unconsumed nodes and the 1x1
 * projection) and its reduction cell (the four pools and their concatenation), with channel counts and
 * feature-map sizes. Every cell is one `<g class="cell">`; dead nodes (built on `zero`) are drawn grey.
 */
import { inferShapes } from '../../core/ir/shapes.js';
import type { NetworkIR, NodeShape } from '../../core/ir/types.js';
import { arrow, connector, el, group, labelledBox, svgDocument, text, type Box } from '../../core/arch/svg.js';
import { deadNodes, splitBlocks } from './genotype.js';
import { NORMAL_OPS, POOLS } from './ops.js';
import { blockChannels, type MstfOptions } from './decode.js';
import type { Genotype } from '../../core/contracts/search-space.js';

const BOX_W = 112;
const BOX_H = 34;
const COL = BOX_W + 36;
const ROW = BOX_H + 12;
const PAD = 14;
const HEADER = 22;

const COLORS = { io: '#e8eef7', op: '#fdf2d0', dead: '#eeeeee', merge: '#dcefdc', pool: '#f6dede', macro: '#e4e4f4' };

const size = (s: NodeShape | undefined) => (s && s.length === 3 ? `${s[0]}x${s[1]}x${s[2]}` : s ? `${s[0]}` : '?');

function frame(b: Box, title: string): string[] {
  return [
    el('rect', { x: b.x, y: b.y, width: b.w, height: b.h, rx: 8, fill: 'none', stroke: '#888', 'stroke-dasharray': '5,3' }),
    text(b.x + 8, b.y + 12, title, { 'text-anchor': 'start', 'font-weight': 'bold', 'font-size': 11 }),
  ];
}

export function drawMstf(g: Genotype, ir: NetworkIR, options: MstfOptions, classes: number): string {
  const shapes = inferShapes(ir);
  const blocks = splitBlocks(g);
  const parts: string[] = [];
  let y = PAD;

  // Stem row.
  const inputBox: Box = { x: PAD, y, w: BOX_W, h: BOX_H };
  const stemBox: Box = { x: PAD + COL, y, w: BOX_W, h: BOX_H };
  parts.push(
    group({ class: 'stem' }, [
      labelledBox(inputBox, ['input', size(shapes.get('input'))], COLORS.io),
      labelledBox(stemBox, ['conv 3x3 + BN', `-> ${size(shapes.get('stem_bn'))}`], COLORS.macro),
      arrow(inputBox, stemBox),
    ]),
  );
  let previous = stemBox;
  y += BOX_H + 30;
  let width = PAD + 2 * COL;

  blocks.forEach((block, i) => {
    const b = i + 1;
    const channels = blockChannels(options.channels, b);
    const dead = deadNodes(block);
    const depth = [0];
    block.nodes.forEach((n) => depth.push(depth[n.input]! + 1));
    const maxDepth = Math.max(...depth);
    const perDepth = new Map<number, number>();
    const slot = depth.map((d) => {
      const s = perDepth.get(d) ?? 0;
      perDepth.set(d, s + 1);
      return s;
    });
    const rows = Math.max(...perDepth.values(), 4);
    const rowTop = y;
    let x = PAD;

    // b > 1: the 1x1 conv that doubles the channels.
    let cellEntry = previous;
    if (b > 1) {
      const expandBox: Box = { x, y: rowTop + HEADER + PAD, w: BOX_W, h: BOX_H };
      parts.push(
        group({ class: 'expand', 'data-block': b }, [
          labelledBox(expandBox, ['1x1 conv + BN', `${channels / 2} -> ${channels}`], COLORS.macro),
          connector(previous, expandBox),
        ]),
      );
      cellEntry = expandBox;
    }
    x += COL;

    // Normal cell.
    const nx = x;
    const nodeBox = (k: number): Box => ({ x: nx + PAD + depth[k]! * COL, y: rowTop + HEADER + PAD + slot[k]! * ROW, w: BOX_W, h: BOX_H });
    const concatBox: Box = { x: nx + PAD + (maxDepth + 1) * COL, y: rowTop + HEADER + PAD, w: BOX_W, h: BOX_H };
    const projBox: Box = { x: concatBox.x + COL, y: concatBox.y, w: BOX_W, h: BOX_H };
    const normalFrame: Box = { x: nx, y: rowTop, w: (maxDepth + 3) * COL - 36 + 2 * PAD, h: HEADER + 2 * PAD + rows * ROW - 12 };
    const normalParts = [...frame(normalFrame, `block ${b} normal cell (C=${channels})`)];
    // Wires first, boxes on top: a wire that skips a column passes behind the boxes it crosses.
    block.nodes.forEach((n, j) => normalParts.push(arrow(nodeBox(n.input), nodeBox(j + 1))));
    block.unconsumed.forEach((k) => normalParts.push(arrow(nodeBox(k), concatBox)));
    normalParts.push(arrow(concatBox, projBox));
    block.nodes.forEach((n, j) => {
      const k = j + 1;
      const op = NORMAL_OPS[n.op]!;
      normalParts.push(
        labelledBox(nodeBox(k), [`n${k}: ${op.label}`, n.input === 0 ? 'from input' : `from n${n.input}`], dead[k] ? COLORS.dead : COLORS.op, {
          class: dead[k] ? 'node dead' : 'node',
        }),
      );
    });
    normalParts.push(labelledBox(nodeBox(0), ['cell input', size(shapes.get(cellInputId(b)))], COLORS.io));
    normalParts.push(labelledBox(concatBox, [`concat ${block.unconsumed.map((k) => `n${k}`).join(',')}`, `${block.unconsumed.length * channels} ch`], COLORS.merge));
    normalParts.push(labelledBox(projBox, ['ReLU-1x1 conv-BN', `-> ${channels} ch`], COLORS.merge));
    parts.push(
      group({ class: 'cell', 'data-cell': `b${b}/normal` }, normalParts),
      b > 1 ? arrow(cellEntry, nodeBox(0)) : connector(cellEntry, nodeBox(0)),
    );

    // Reduction cell.
    const rx = normalFrame.x + normalFrame.w + 30;
    const poolBox = (p: number): Box => ({ x: rx + PAD, y: rowTop + HEADER + PAD + p * ROW, w: BOX_W + 20, h: BOX_H });
    const reduceConcat: Box = { x: rx + PAD + COL + 30, y: rowTop + HEADER + PAD + 1.5 * ROW, w: BOX_W, h: BOX_H };
    const reduceFrame: Box = { x: rx, y: rowTop, w: 2 * COL + 2 * PAD - 6, h: normalFrame.h };
    const out = shapes.get(`b${b}_reduce_concat`);
    const reduceParts = [...frame(reduceFrame, `block ${b} reduction cell`)];
    block.pools.forEach((p, j) => {
      reduceParts.push(labelledBox(poolBox(j), [`${POOLS[p]!.label} /2`, `1x1 conv -> ${channels / 4}`], COLORS.pool, { class: 'node' }));
      reduceParts.push(arrow(poolBox(j), reduceConcat));
    });
    reduceParts.push(labelledBox(reduceConcat, ['concat', size(out)], COLORS.merge));
    parts.push(group({ class: 'cell', 'data-cell': `b${b}/reduction` }, reduceParts));
    for (let j = 0; j < block.pools.length; j++) parts.push(arrow(projBox, poolBox(j)));

    previous = reduceConcat;
    width = Math.max(width, reduceFrame.x + reduceFrame.w + PAD);
    y += normalFrame.h + 30;
  });

  // Head.
  const gapBox: Box = { x: PAD, y, w: BOX_W, h: BOX_H };
  const denseBox: Box = { x: PAD + COL, y, w: BOX_W, h: BOX_H };
  parts.push(
    group({ class: 'head' }, [
      labelledBox(gapBox, ['global avg pool', size(shapes.get('gap'))], COLORS.macro),
      labelledBox(denseBox, ['dense', `-> ${classes} classes`], COLORS.io),
      connector(previous, gapBox),
      arrow(gapBox, denseBox),
    ]),
  );
  y += BOX_H + PAD;
  return svgDocument(width, y, `mstf architecture ${g.join(',')}`, parts);
}

/** Id of the node that feeds block b's normal cell. */
function cellInputId(b: number): string {
  return b > 1 ? `b${b}_expand_bn` : 'stem_bn';
}
