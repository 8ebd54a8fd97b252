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
import { type SpaceContext, IRBuilder, type NetworkIR, type Genotype } from '../../core/index.js';
import { splitBlocks, type BlockGenes } from './genotype.js';
import { DILATION, NORMAL_OPS, POOLS } from './ops.js';

export interface MstfOptions {
  blocks: number;
  channels: number;
}

/** Channels of block b (1-based): C0 doubled at the start of every block after the first. */
export function blockChannels(c0: number, b: number): number {
  return c0 * 2 ** (b - 1);
}

/** ReLU - 1x1 conv (no bias, 'same') - BN. */
function reluConv1x1Bn(
  ir: IRBuilder,
  prefix: string,
  input: string,
  filters: number,
  group: string,
  label: string,
): string {
  return ir.reluConvBn(prefix, input, { filters, kernel: 1, stride: 1, padding: 'same' }, { group, label });
}

/** One normal-cell op applied to `input` (C channels in and out). Returns the id of its output. */
function normalOp(
  ir: IRBuilder,
  opIndex: number,
  input: string,
  channels: number,
  prefix: string,
  group: string,
): string {
  const op = NORMAL_OPS[opIndex]!;
  const label = op.label;
  const base = { group, label };
  switch (op.kind) {
    case 'sep': {
      // DARTS SepConv: (ReLU - depthwise kxk - pointwise 1x1 - BN) twice.
      let x = input;
      for (const i of [1, 2]) {
        x = ir.relu(`${prefix}_relu${i}`, x, base);
        x = ir.depthwise(`${prefix}_dw${i}`, x, { kernel: op.kernel!, stride: 1, padding: 'same' }, base);
        x = ir.conv(`${prefix}_pw${i}`, x, { filters: channels, kernel: 1, stride: 1, padding: 'same' }, base);
        x = ir.bn(`${prefix}_bn${i}`, x, base);
      }
      return x;
    }
    case 'dil': {
      // DARTS DilConv: ReLU - depthwise kxk (dilation 2) - pointwise 1x1 - BN.
      const r = ir.relu(`${prefix}_relu`, input, base);
      const d = ir.depthwise(
        `${prefix}_dw`,
        r,
        { kernel: op.kernel!, stride: 1, padding: 'same', dilation: DILATION },
        base,
      );
      const p = ir.conv(`${prefix}_pw`, d, { filters: channels, kernel: 1, stride: 1, padding: 'same' }, base);
      return ir.bn(`${prefix}_bn`, p, base);
    }
    case 'conv7x1_1x7': {
      // DARTS conv_7x1_1x7: ReLU - conv 1x7 - conv 7x1 - BN.
      const r = ir.relu(`${prefix}_relu`, input, base);
      const a = ir.conv(
        `${prefix}_conv1x7`,
        r,
        { filters: channels, kernel: [1, 7], stride: 1, padding: 'same' },
        base,
      );
      const b = ir.conv(
        `${prefix}_conv7x1`,
        a,
        { filters: channels, kernel: [7, 1], stride: 1, padding: 'same' },
        base,
      );
      return ir.bn(`${prefix}_bn`, b, base);
    }
    case 'identity':
      return ir.identity(prefix, input, base);
    case 'zero':
      return ir.zero(prefix, input, base);
  }
}

function normalCell(ir: IRBuilder, block: BlockGenes, b: number, input: string, channels: number): string {
  const outputs = [input]; // outputs[k] = id of normal node k's output; 0 = the cell input
  block.nodes.forEach((node, i) => {
    const k = i + 1;
    outputs.push(normalOp(ir, node.op, outputs[node.input]!, channels, `b${b}_normal_n${k}`, `b${b}/normal/n${k}`));
  });
  const concat = ir.concat(
    `b${b}_normal_concat`,
    block.unconsumed.map((k) => outputs[k]!),
    { group: `b${b}/normal/out`, label: `concat ${block.unconsumed.map((k) => `n${k}`).join(',')}` },
  );
  return reluConv1x1Bn(ir, `b${b}_normal_proj`, concat, channels, `b${b}/normal/out`, `1x1 conv -> ${channels}`);
}

function reductionCell(ir: IRBuilder, block: BlockGenes, b: number, input: string, channels: number): string {
  const branches = block.pools.map((poolIndex, i) => {
    const pool = POOLS[poolIndex]!;
    const prefix = `b${b}_reduce_p${i + 1}`;
    const group = `b${b}/reduce/p${i + 1}`;
    const p = ir.pool(
      `${prefix}_pool`,
      input,
      { mode: pool.mode, window: pool.window, stride: 2, padding: 'same' },
      { group, label: pool.label },
    );
    return reluConv1x1Bn(ir, prefix, p, channels / 4, group, pool.label);
  });
  return ir.concat(`b${b}_reduce_concat`, branches, { group: `b${b}/reduce/out`, label: `concat -> ${channels}` });
}

export function decodeMstf(g: Genotype, ctx: SpaceContext, options: MstfOptions): NetworkIR {
  const ir = new IRBuilder();
  const c0 = options.channels;
  let x = ir.input('input', [...ctx.inputShape], { group: 'input', label: 'input' });
  x = ir.conv(
    'stem_conv',
    x,
    { filters: c0, kernel: 3, stride: 1, padding: 'same' },
    { group: 'stem', label: `conv 3x3 -> ${c0}` },
  );
  x = ir.bn('stem_bn', x, { group: 'stem', label: 'BN' });
  splitBlocks(g).forEach((block, i) => {
    const b = i + 1;
    const channels = blockChannels(c0, b);
    if (b > 1)
      x = reluConv1x1Bn(ir, `b${b}_expand`, x, channels, `b${b}/expand`, `1x1 conv ${channels / 2} -> ${channels}`);
    x = normalCell(ir, block, b, x, channels);
    x = reductionCell(ir, block, b, x, channels);
  });
  x = ir.gap('gap', x, { group: 'head', label: 'global avg pool' });
  x = ir.dense('classifier', x, ctx.classes, true, { group: 'head', label: `dense -> ${ctx.classes}` });
  return ir.build(x, {
    space: 'mstf',
    blocks: options.blocks,
    channels: c0,
    inputShape: [...ctx.inputShape],
    classes: ctx.classes,
  });
}
