/** IRBuilder writes exactly the nodes the IR types describe (hand-written expected nodes). */
import { describe, expect, it } from 'vitest';
import { IRBuilder } from '../../core/ir/builder.js';
import { inferShapes } from '../../core/ir/shapes.js';

describe('IRBuilder', () => {
  it('writes each op with its attributes, leaves undefined ones and tags absent, and chains ids', () => {
    const b = new IRBuilder();
    let x = b.input('in', [8, 8, 3]);
    x = b.conv('c', x, { filters: 4, kernel: 3, stride: 1, padding: 1, bias: false }, { group: 'stem', label: 'conv' });
    const d = b.depthwise('d', x, { kernel: [1, 7], stride: 2, padding: 'same', dilation: undefined }, { group: 'g' });
    const p = b.pool('p', x, { mode: 'max', window: 2, stride: 2, padding: 'same' });
    const s = b.add('s', [d, p], { label: 'sum' });
    const k = b.concat('k', [s, b.zero('z', s), b.identity('i', s)]);
    const y = b.dense('fc', b.gap('gap', b.relu('r', b.bn('bn', k))), 5, true, { group: 'head', label: 'linear' });
    const ir = b.build(y);
    expect(ir).toStrictEqual({
      nodes: [
        { id: 'in', op: 'input', inputs: [], shape: [8, 8, 3] },
        {
          id: 'c',
          op: 'conv',
          inputs: ['in'],
          filters: 4,
          kernel: [3, 3],
          stride: 1,
          padding: 1,
          bias: false,
          group: 'stem',
          label: 'conv',
        },
        { id: 'd', op: 'depthwise', inputs: ['c'], kernel: [1, 7], stride: 2, padding: 'same', group: 'g' },
        { id: 'p', op: 'pool', inputs: ['c'], mode: 'max', window: 2, stride: 2, padding: 'same' },
        { id: 's', op: 'add', inputs: ['d', 'p'], label: 'sum' },
        { id: 'z', op: 'zero', inputs: ['s'] },
        { id: 'i', op: 'identity', inputs: ['s'] },
        { id: 'k', op: 'concat', inputs: ['s', 'z', 'i'] },
        { id: 'bn', op: 'batchnorm', inputs: ['k'] },
        { id: 'r', op: 'relu', inputs: ['bn'] },
        { id: 'gap', op: 'gap', inputs: ['r'] },
        { id: 'fc', op: 'dense', inputs: ['gap'], units: 5, bias: true, group: 'head', label: 'linear' },
      ],
      output: 'fc',
    });
    // conv keeps 8x8 (pad 1), the stride-2 branches give 4x4x4, concat of three gives 12 channels.
    expect(inferShapes(ir).get('k')).toEqual([4, 4, 12]);
  });

  it('reluConvBn is ReLU - conv - BN with ids <prefix>_relu/_conv/_bn and one tag, and build keeps meta', () => {
    const b = new IRBuilder();
    b.input('in', [4, 4, 2], { group: 'input', label: 'input' });
    const out = b.reluConvBn(
      'u',
      'in',
      { filters: 6, kernel: 1, stride: 1, padding: 'same' },
      { group: 'g', label: '1x1' },
    );
    expect(out).toBe('u_bn');
    expect(b.build(out, { space: 'x' })).toStrictEqual({
      nodes: [
        { id: 'in', op: 'input', inputs: [], shape: [4, 4, 2], group: 'input', label: 'input' },
        { id: 'u_relu', op: 'relu', inputs: ['in'], group: 'g', label: '1x1' },
        {
          id: 'u_conv',
          op: 'conv',
          inputs: ['u_relu'],
          filters: 6,
          kernel: [1, 1],
          stride: 1,
          padding: 'same',
          group: 'g',
          label: '1x1',
        },
        { id: 'u_bn', op: 'batchnorm', inputs: ['u_conv'], group: 'g', label: '1x1' },
      ],
      output: 'u_bn',
      meta: { space: 'x' },
    });
  });
});
