/** Small hand-built networks (IR) for the indicator tests. */
import type { IRNode, NetworkIR } from '../../core/ir/types.js';

/** input [1,1,width] -> gap -> depth x (dense(width) -> relu), last dense without relu: a ReLU MLP. */
export function denseChain(widths: number[], opts: { bias?: boolean; relu?: boolean } = {}): NetworkIR {
  const nodes: IRNode[] = [
    { id: 'input', op: 'input', inputs: [], shape: [1, 1, widths[0]!] },
    { id: 'gap', op: 'gap', inputs: ['input'] },
  ];
  let prev = 'gap';
  for (let l = 1; l < widths.length; l++) {
    const id = `fc${l}`;
    nodes.push({ id, op: 'dense', inputs: [prev], units: widths[l]!, bias: opts.bias ?? false });
    prev = id;
    if ((opts.relu ?? true) && l < widths.length - 1) {
      nodes.push({ id: `relu${l}`, op: 'relu', inputs: [prev] });
      prev = `relu${l}`;
    }
  }
  return { nodes, output: prev };
}

/**
 * A small conv net with every op kind the spaces use: conv with bias, batchnorm, relu, depthwise,
 * dilated depthwise, pools, add and concat of branches on different scales, zero, identity, gap, dense with bias.
 */
export function smallConvNet(opts: { size?: number; channels?: number; classes?: number } = {}): NetworkIR {
  const s = opts.size ?? 8;
  const c = opts.channels ?? 2;
  const k = opts.classes ?? 3;
  return {
    nodes: [
      { id: 'input', op: 'input', inputs: [], shape: [s, s, c] },
      { id: 'stem', op: 'conv', inputs: ['input'], filters: 4, kernel: [3, 3], stride: 1, padding: 'same', bias: true },
      { id: 'stem_bn', op: 'batchnorm', inputs: ['stem'] },
      { id: 'r1', op: 'relu', inputs: ['stem_bn'] },
      { id: 'dw', op: 'depthwise', inputs: ['r1'], kernel: [3, 3], stride: 1, padding: 'same' },
      { id: 'pw', op: 'conv', inputs: ['dw'], filters: 4, kernel: [1, 1], stride: 1, padding: 'same' },
      { id: 'pw_bn', op: 'batchnorm', inputs: ['pw'] },
      { id: 'dil', op: 'depthwise', inputs: ['r1'], kernel: [3, 3], stride: 1, padding: 'same', dilation: 2 },
      { id: 'c71', op: 'conv', inputs: ['dil'], filters: 4, kernel: [3, 1], stride: 1, padding: 'same', bias: true },
      { id: 'zero', op: 'zero', inputs: ['r1'] },
      { id: 'id', op: 'identity', inputs: ['r1'] },
      { id: 'sum', op: 'add', inputs: ['pw_bn', 'c71', 'zero', 'id'] },
      { id: 'r2', op: 'relu', inputs: ['sum'] },
      { id: 'mp', op: 'pool', inputs: ['r2'], mode: 'max', window: 2, stride: 2, padding: 'same' },
      { id: 'ap', op: 'pool', inputs: ['r2'], mode: 'avg', window: 3, stride: 2, padding: 'same' },
      { id: 'apc', op: 'conv', inputs: ['ap'], filters: 3, kernel: [1, 1], stride: 1, padding: 'same', bias: true },
      { id: 'cat', op: 'concat', inputs: ['mp', 'apc'] },
      { id: 'proj', op: 'conv', inputs: ['cat'], filters: 6, kernel: [1, 1], stride: 1, padding: 'same' },
      { id: 'proj_bn', op: 'batchnorm', inputs: ['proj'] },
      { id: 'r3', op: 'relu', inputs: ['proj_bn'] },
      { id: 'gap', op: 'gap', inputs: ['r3'] },
      { id: 'fc', op: 'dense', inputs: ['gap'], units: k, bias: true },
    ],
    output: 'fc',
  };
}
