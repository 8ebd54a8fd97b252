/**
 * The benchmark net of engine-notes.md as NetworkIR: stem conv3x3 1->C, 4 separable 3x3 at HxWxC,
 * maxpool 3x3 s2, 2 separable 3x3, GAP, dense; batchnorm + relu after every conv. Used by
 * bench/engine.ts (C = 32, 28x28, batch 64) and, smaller, by the engine tests.
 */
import type { IRNode, NetworkIR } from '../ir/types.js';

export interface BenchmarkNetOptions {
  channels?: number;
  size?: number;
  inChannels?: number;
  classes?: number;
}

export function benchmarkNetIR(opts: BenchmarkNetOptions = {}): NetworkIR {
  const c = opts.channels ?? 32;
  const size = opts.size ?? 28;
  const nodes: IRNode[] = [{ id: 'input', op: 'input', inputs: [], shape: [size, size, opts.inChannels ?? 1] }];
  let last = 'input';
  const push = (node: IRNode): void => {
    nodes.push(node);
    last = node.id;
  };
  const bnRelu = (prefix: string): void => {
    push({ id: `${prefix}_bn`, op: 'batchnorm', inputs: [last] });
    push({ id: `${prefix}_relu`, op: 'relu', inputs: [last] });
  };
  push({
    id: 'stem',
    op: 'conv',
    inputs: [last],
    filters: c,
    kernel: [3, 3],
    stride: 1,
    padding: 'same',
    label: 'conv 3x3',
  });
  bnRelu('stem');
  for (let i = 0; i < 6; i++) {
    if (i === 4) push({ id: 'pool', op: 'pool', inputs: [last], mode: 'max', window: 3, stride: 2, padding: 'same' });
    const group = `sep${i}`;
    push({ id: `sep${i}_dw`, op: 'depthwise', inputs: [last], kernel: [3, 3], stride: 1, padding: 'same', group });
    push({
      id: `sep${i}_pw`,
      op: 'conv',
      inputs: [last],
      filters: c,
      kernel: [1, 1],
      stride: 1,
      padding: 'valid',
      group,
    });
    bnRelu(`sep${i}`);
  }
  push({ id: 'gap', op: 'gap', inputs: [last] });
  push({ id: 'fc', op: 'dense', inputs: [last], units: opts.classes ?? 10 });
  return { nodes, output: 'fc', meta: { name: 'engine-notes benchmark net' } };
}
