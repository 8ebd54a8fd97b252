/**
 * NAS-Bench-201 genotype -> NetworkIR, the CIFAR skeleton of NAS-Bench-201's TinyNetwork (xautodl
 * `infer.tiny`), layer for layer so that parameter counts match the benchmark's `params_M`:
 *   stem: conv 3x3 (C, no bias, pad 1) - BN
 *   3 stages of N cells at C, 2C, 4C; between stages a ResNetBasicblock(stride 2):
 *     conv_a = ReLU - conv 3x3 stride 2 - BN, conv_b = ReLU - conv 3x3 - BN,
 *     shortcut = avg pool 2x2 stride 2 - conv 1x1 (no bias, no BN); output = shortcut + conv_b
 *   lastact: BN - ReLU; global average pooling; linear(4C -> classes)
 * Cell edge ops: none = zero, skip_connect = identity, nor_conv_kxk = ReLU - conv kxk (no bias) - BN,
 * avg_pool_3x3 = avg pool 3x3 stride 1 excluding padding (PyTorch count_include_pad=False = TF 'same').
 */
import { type Genotype, type SpaceContext, IRBuilder, type NetworkIR } from '../../core/index.js';
import { EDGES, NB201_OPS } from './cell.js';

export interface Nb201Options {
  channels: number;
  cellsPerStage: number;
}

export const STAGES = 3;

/** ReLU - conv kxk (no bias, PyTorch padding) - BN. */
function reluConvBn(
  ir: IRBuilder,
  prefix: string,
  input: string,
  filters: number,
  k: number,
  stride: number,
  group: string,
  label: string,
): string {
  return ir.reluConvBn(
    prefix,
    input,
    { filters, kernel: k, stride, padding: (k - 1) / 2, bias: false },
    { group, label },
  );
}

function edgeOp(ir: IRBuilder, op: number, input: string, channels: number, prefix: string, group: string): string {
  const label = NB201_OPS[op]!;
  switch (label) {
    case 'none':
      return ir.zero(prefix, input, { group, label });
    case 'skip_connect':
      return ir.identity(prefix, input, { group, label });
    case 'nor_conv_1x1':
      return reluConvBn(ir, prefix, input, channels, 1, 1, group, label);
    case 'nor_conv_3x3':
      return reluConvBn(ir, prefix, input, channels, 3, 1, group, label);
    case 'avg_pool_3x3':
      return ir.pool(prefix, input, { mode: 'avg', window: 3, stride: 1, padding: 'same' }, { group, label });
  }
}

/** One cell; `name` like "s1c2". Returns the id of node 3 (the cell output). */
function cell(ir: IRBuilder, g: Genotype, input: string, channels: number, name: string, group: string): string {
  const nodes = [input];
  for (let to = 1; to <= 3; to++) {
    const terms = EDGES.map(([from, t], i) => ({ from, t, i }))
      .filter((e) => e.t === to)
      .map((e) =>
        edgeOp(ir, g[e.i]!, nodes[e.from]!, channels, `${name}_e${e.from}${to}`, `${group}/edge ${e.from}->${to}`),
      );
    nodes.push(
      terms.length === 1 ? terms[0]! : ir.add(`${name}_n${to}`, terms, { group: `${group}/node ${to}`, label: 'sum' }),
    );
  }
  return nodes[3]!;
}

export function decodeNb201(g: Genotype, ctx: SpaceContext, options: Nb201Options): NetworkIR {
  const ir = new IRBuilder();
  const c = options.channels;
  let x = ir.input('input', [...ctx.inputShape], { group: 'input', label: 'input' });
  x = ir.conv(
    'stem_conv',
    x,
    { filters: c, kernel: 3, stride: 1, padding: 1, bias: false },
    { group: 'stem', label: `conv 3x3 -> ${c}` },
  );
  x = ir.bn('stem_bn', x, { group: 'stem', label: 'BN' });
  for (let s = 1; s <= STAGES; s++) {
    const channels = c * 2 ** (s - 1);
    if (s > 1) {
      const group = `resblock${s - 1}`;
      const label = `ResNet block ${channels / 2} -> ${channels}, stride 2`;
      const a = reluConvBn(ir, `r${s - 1}_a`, x, channels, 3, 2, group, label);
      const b = reluConvBn(ir, `r${s - 1}_b`, a, channels, 3, 1, group, label);
      const p = ir.pool(`r${s - 1}_pool`, x, { mode: 'avg', window: 2, stride: 2, padding: 0 }, { group, label });
      const sc = ir.conv(
        `r${s - 1}_shortcut`,
        p,
        { filters: channels, kernel: 1, stride: 1, padding: 0, bias: false },
        { group, label },
      );
      x = ir.add(`r${s - 1}_add`, [sc, b], { group, label });
    }
    for (let i = 1; i <= options.cellsPerStage; i++) {
      x = cell(ir, g, x, channels, `s${s}c${i}`, `stage${s}/cell${i}`);
    }
  }
  x = ir.bn('lastact_bn', x, { group: 'head', label: 'BN' });
  x = ir.relu('lastact_relu', x, { group: 'head', label: 'ReLU' });
  x = ir.gap('gap', x, { group: 'head', label: 'global avg pool' });
  x = ir.dense('classifier', x, ctx.classes, true, { group: 'head', label: `linear -> ${ctx.classes}` });
  return ir.build(x, {
    space: 'nb201',
    channels: c,
    cellsPerStage: options.cellsPerStage,
    inputShape: [...ctx.inputShape],
    classes: ctx.classes,
  });
}
