/**
 * MSTF genotype -> NetworkIR (DESIGN.md "Decisions the paper leaves open"):
 *   stem: conv 3x3 (C0, no bias) - BN
 *   block b = 1..B: [b > 1: ReLU - 1x1 conv (C -> 2C) - BN]  normal cell (C)  reduction cell (C, stride 2)
 *   head: global average pooling - dense(classes)
 * Normal cell: node k = op_k(node in_k); unconsumed nodes concatenated, then ReLU - 1x1 conv (-> C) - BN.
 * Reduction cell: 4 x [pool (stride 2, 'same') - ReLU - 1x1 conv (C -> C/4) - BN], concatenated (-> C).
 * All convolutions are bias-free (each is followed by BN); BN is affine. Padding is 'same' everywhere.
 * Node ids use '_' (ids may not contain '/'); `group` is "b1/normal/n3" and `label` the op ("sep 5x5").
 */
import type { SpaceContext } from '../../core/contracts/search-space.js';
import type { IRNode, NetworkIR } from '../../core/ir/types.js';
import { splitBlocks, type BlockGenes } from './genotype.js';
import { DILATION, NORMAL_OPS, POOLS } from './ops.js';
import type { Genotype } from '../../core/contracts/search-space.js';

export interface MstfOptions {
  blocks: number;
  channels: number;
}

/** Channels of block b (1-based): C0 doubled at the start of every block after the first. */
export function blockChannels(c0: number, b: number): number {
  return c0 * 2 ** (b - 1);
}

class IRBuilder {
  readonly nodes: IRNode[] = [];

  add<N extends IRNode>(node: N): string {
    this.nodes.push(node);
    return node.id;
  }

  reluConvBn(prefix: string, input: string, filters: number, group: string, label: string): string {
    const r = this.add({ id: `${prefix}_relu`, op: 'relu', inputs: [input], group, label });
    const c = this.add({ id: `${prefix}_conv`, op: 'conv', inputs: [r], filters, kernel: [1, 1], stride: 1, padding: 'same', group, label });
    return this.add({ id: `${prefix}_bn`, op: 'batchnorm', inputs: [c], group, label });
  }
}

/** One normal-cell op applied to `input` (C channels in and out). Returns the id of its output. */
function normalOp(ir: IRBuilder, opIndex: number, input: string, channels: number, prefix: string, group: string): string {
  const op = NORMAL_OPS[opIndex]!;
  const label = op.label;
  const base = { group, label };
  switch (op.kind) {
    case 'sep': {
      // DARTS SepConv: (ReLU - depthwise kxk - pointwise 1x1 - BN) twice.
      let x = input;
      for (const i of [1, 2]) {
        x = ir.add({ id: `${prefix}_relu${i}`, op: 'relu', inputs: [x], ...base });
        x = ir.add({ id: `${prefix}_dw${i}`, op: 'depthwise', inputs: [x], kernel: [op.kernel!, op.kernel!], stride: 1, padding: 'same', ...base });
        x = ir.add({ id: `${prefix}_pw${i}`, op: 'conv', inputs: [x], filters: channels, kernel: [1, 1], stride: 1, padding: 'same', ...base });
        x = ir.add({ id: `${prefix}_bn${i}`, op: 'batchnorm', inputs: [x], ...base });
      }
      return x;
    }
    case 'dil': {
      // DARTS DilConv: ReLU - depthwise kxk (dilation 2) - pointwise 1x1 - BN.
      const r = ir.add({ id: `${prefix}_relu`, op: 'relu', inputs: [input], ...base });
      const d = ir.add({
        id: `${prefix}_dw`,
        op: 'depthwise',
        inputs: [r],
        kernel: [op.kernel!, op.kernel!],
        stride: 1,
        padding: 'same',
        dilation: DILATION,
        ...base,
      });
      const p = ir.add({ id: `${prefix}_pw`, op: 'conv', inputs: [d], filters: channels, kernel: [1, 1], stride: 1, padding: 'same', ...base });
      return ir.add({ id: `${prefix}_bn`, op: 'batchnorm', inputs: [p], ...base });
    }
    case 'conv7x1_1x7': {
      // DARTS conv_7x1_1x7: ReLU - conv 1x7 - conv 7x1 - BN.
      const r = ir.add({ id: `${prefix}_relu`, op: 'relu', inputs: [input], ...base });
      const a = ir.add({ id: `${prefix}_conv1x7`, op: 'conv', inputs: [r], filters: channels, kernel: [1, 7], stride: 1, padding: 'same', ...base });
      const b = ir.add({ id: `${prefix}_conv7x1`, op: 'conv', inputs: [a], filters: channels, kernel: [7, 1], stride: 1, padding: 'same', ...base });
      return ir.add({ id: `${prefix}_bn`, op: 'batchnorm', inputs: [b], ...base });
    }
    case 'identity':
      return ir.add({ id: prefix, op: 'identity', inputs: [input], ...base });
    case 'zero':
      return ir.add({ id: prefix, op: 'zero', inputs: [input], ...base });
  }
}

function normalCell(ir: IRBuilder, block: BlockGenes, b: number, input: string, channels: number): string {
  const outputs = [input]; // outputs[k] = id of normal node k's output; 0 = the cell input
  block.nodes.forEach((node, i) => {
    const k = i + 1;
    outputs.push(normalOp(ir, node.op, outputs[node.input]!, channels, `b${b}_normal_n${k}`, `b${b}/normal/n${k}`));
  });
  const concat = ir.add({
    id: `b${b}_normal_concat`,
    op: 'concat',
    inputs: block.unconsumed.map((k) => outputs[k]!),
    group: `b${b}/normal/out`,
    label: `concat ${block.unconsumed.map((k) => `n${k}`).join(',')}`,
  });
  return ir.reluConvBn(`b${b}_normal_proj`, concat, channels, `b${b}/normal/out`, `1x1 conv -> ${channels}`);
}

function reductionCell(ir: IRBuilder, block: BlockGenes, b: number, input: string, channels: number): string {
  const branches = block.pools.map((poolIndex, i) => {
    const pool = POOLS[poolIndex]!;
    const prefix = `b${b}_reduce_p${i + 1}`;
    const group = `b${b}/reduce/p${i + 1}`;
    const p = ir.add({
      id: `${prefix}_pool`,
      op: 'pool',
      inputs: [input],
      mode: pool.mode,
      window: pool.window,
      stride: 2,
      padding: 'same',
      group,
      label: pool.label,
    });
    return ir.reluConvBn(prefix, p, channels / 4, group, pool.label);
  });
  return ir.add({ id: `b${b}_reduce_concat`, op: 'concat', inputs: branches, group: `b${b}/reduce/out`, label: `concat -> ${channels}` });
}

export function decodeMstf(g: Genotype, ctx: SpaceContext, options: MstfOptions): NetworkIR {
  const ir = new IRBuilder();
  const c0 = options.channels;
  let x = ir.add({ id: 'input', op: 'input', inputs: [], shape: [...ctx.inputShape], group: 'input', label: 'input' });
  x = ir.add({ id: 'stem_conv', op: 'conv', inputs: [x], filters: c0, kernel: [3, 3], stride: 1, padding: 'same', group: 'stem', label: `conv 3x3 -> ${c0}` });
  x = ir.add({ id: 'stem_bn', op: 'batchnorm', inputs: [x], group: 'stem', label: 'BN' });
  splitBlocks(g).forEach((block, i) => {
    const b = i + 1;
    const channels = blockChannels(c0, b);
    if (b > 1) x = ir.reluConvBn(`b${b}_expand`, x, channels, `b${b}/expand`, `1x1 conv ${channels / 2} -> ${channels}`);
    x = normalCell(ir, block, b, x, channels);
    x = reductionCell(ir, block, b, x, channels);
  });
  x = ir.add({ id: 'gap', op: 'gap', inputs: [x], group: 'head', label: 'global avg pool' });
  x = ir.add({ id: 'classifier', op: 'dense', inputs: [x], units: ctx.classes, bias: true, group: 'head', label: `dense -> ${ctx.classes}` });
  return {
    nodes: ir.nodes,
    output: x,
    meta: { space: 'mstf', blocks: options.blocks, channels: c0, inputShape: [...ctx.inputShape], classes: ctx.classes },
  };
}
