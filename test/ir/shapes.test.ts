/** Shape inference (TensorFlow 'same'/'valid', PyTorch numeric padding) and validation errors. */
import { describe, expect, it } from 'vitest';
import { inferShapes, validateIR } from '../../core/ir/shapes.js';
import type { IRNode, NetworkIR } from '../../core/ir/types.js';
import { isMstfError } from '../../core/errors.js';

const input = (shape: [number, number, number] = [28, 28, 3]): IRNode => ({ id: 'in', op: 'input', inputs: [], shape });
const net = (...nodes: IRNode[]): NetworkIR => ({
  nodes: [input(), ...nodes],
  output: nodes.length ? nodes[nodes.length - 1]!.id : 'in',
});

function errorOf(ir: NetworkIR): string {
  try {
    validateIR(ir);
  } catch (e) {
    if (isMstfError(e) && e.code === 'INVALID_IR') return e.message;
    throw e;
  }
  throw new Error('no error');
}

describe('inferShapes', () => {
  it('conv: same = ceil(H/s), valid = ceil((H-k+1)/s), numeric p = floor((H+2p-k)/s)+1, dilation', () => {
    const s = inferShapes(
      net(
        { id: 'a', op: 'conv', inputs: ['in'], filters: 8, kernel: [3, 3], stride: 2, padding: 'same' },
        { id: 'b', op: 'conv', inputs: ['in'], filters: 8, kernel: [5, 5], stride: 2, padding: 'valid' },
        { id: 'c', op: 'conv', inputs: ['in'], filters: 4, kernel: [7, 1], stride: 1, padding: 'valid' },
        { id: 'd', op: 'conv', inputs: ['in'], filters: 4, kernel: [3, 3], stride: 2, padding: 1 },
        {
          id: 'e',
          op: 'depthwise',
          inputs: ['in'],
          kernel: [3, 3],
          stride: 1,
          padding: 'valid',
          dilation: 2,
          multiplier: 2,
        },
        { id: 'f', op: 'depthwise', inputs: ['in'], kernel: [5, 5], stride: 1, padding: 4, dilation: 2 },
      ),
    );
    expect(s.get('a')).toEqual([14, 14, 8]);
    expect(s.get('b')).toEqual([12, 12, 8]); // ceil(24 / 2)
    expect(s.get('c')).toEqual([22, 28, 4]);
    expect(s.get('d')).toEqual([14, 14, 4]); // floor((28 + 2 - 3) / 2) + 1
    expect(s.get('e')).toEqual([24, 24, 6]); // effective kernel 5
    expect(s.get('f')).toEqual([28, 28, 3]); // effective kernel 9, padding 4
  });

  it('pools, zero with stride, concat, add, gap, dense', () => {
    const s = inferShapes(
      net(
        { id: 'p', op: 'pool', inputs: ['in'], mode: 'max', window: 3, stride: 2, padding: 'same' },
        { id: 'q', op: 'pool', inputs: ['in'], mode: 'avg', window: 2, stride: 2, padding: 'valid' },
        { id: 'z', op: 'zero', inputs: ['in'], stride: 2 },
        { id: 'cat', op: 'concat', inputs: ['p', 'q', 'z'] },
        { id: 'sum', op: 'add', inputs: ['p', 'z'] },
        { id: 'g', op: 'gap', inputs: ['cat'] },
        { id: 'fc', op: 'dense', inputs: ['g'], units: 10 },
      ),
    );
    expect(s.get('p')).toEqual([14, 14, 3]);
    expect(s.get('q')).toEqual([14, 14, 3]);
    expect(s.get('z')).toEqual([14, 14, 3]);
    expect(s.get('cat')).toEqual([14, 14, 9]);
    expect(s.get('sum')).toEqual([14, 14, 3]);
    expect(s.get('g')).toEqual([9]);
    expect(s.get('fc')).toEqual([10]);
    // zero with stride 2 on an odd size: ceil, like x[:, :, ::2, ::2] in PyTorch
    const odd = inferShapes({
      nodes: [input([7, 7, 2]), { id: 'z', op: 'zero', inputs: ['in'], stride: 2 }],
      output: 'z',
    });
    expect(odd.get('z')).toEqual([4, 4, 2]);
  });
});

describe('validateIR errors name the node and the reason', () => {
  it.each([
    [
      net(
        { id: 'a', op: 'add', inputs: ['in', 'p'] },
        { id: 'p', op: 'pool', inputs: ['in'], mode: 'max', window: 2, stride: 2, padding: 'valid' },
      ),
      'node "a" (add): input 1 "p" comes later in the node list (nodes must be in topological order)',
    ],
    [net({ id: 'a', op: 'relu', inputs: ['nope'] }), 'node "a" (relu): input 0 "nope" does not exist'],
    [
      net({ id: 'fc', op: 'dense', inputs: ['in'], units: 3 }),
      'node "fc" (dense): input "in" is a feature map [28, 28, 3]: dense needs a vector (add a gap node)',
    ],
    [
      net(
        { id: 'p', op: 'pool', inputs: ['in'], mode: 'max', window: 2, stride: 2, padding: 'valid' },
        { id: 's', op: 'add', inputs: ['in', 'p'] },
      ),
      'node "s" (add): input 1 ("p") has shape [14, 14, 3], input 0 has [28, 28, 3]: add needs equal shapes',
    ],
    [
      net(
        { id: 'p', op: 'pool', inputs: ['in'], mode: 'max', window: 2, stride: 2, padding: 'valid' },
        { id: 'c', op: 'concat', inputs: ['in', 'p'] },
      ),
      'node "c" (concat): input 1 ("p") is 14x14, input 0 is 28x28: concat needs equal H, W',
    ],
    [
      net({ id: 'c', op: 'conv', inputs: ['in'], filters: 0, kernel: [3, 3], stride: 1, padding: 'same' }),
      'node "c" (conv): filters must be a positive integer, got 0',
    ],
    [
      net({ id: 'c', op: 'conv', inputs: ['in'], filters: 4, kernel: [31, 3], stride: 1, padding: 'valid' }),
      'node "c" (conv): window 31x3 (dilation 1) does not fit the 28x28 input with padding "valid"',
    ],
    [
      net({ id: 'c', op: 'conv', inputs: ['in'], filters: 4, kernel: [3, 3], stride: 1, padding: 'full' as never }),
      `node "c" (conv): padding must be 'same', 'valid' or a non-negative integer, got "full"`,
    ],
    [
      net({ id: 'p', op: 'pool', inputs: ['in'], mode: 'max', window: 3, stride: 1, padding: 2 }),
      'node "p" (pool): padding 2 is more than half the window 3',
    ],
    [net({ id: 'x', op: 'relu', inputs: ['in', 'in'] }), 'node "x" (relu): expects 1 input, got 2'],
    [net({ id: 'in', op: 'relu', inputs: ['in'] }), 'node "in" (relu): duplicate node id'],
    [
      net({ id: 'a/b', op: 'relu', inputs: ['in'] }),
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the expected message shows the pattern literally
      'node "a/b" (relu): node ids may not contain "/" (parameter names are `${id}/${role}`)',
    ],
    [
      { nodes: [{ id: 'r', op: 'relu', inputs: [] }], output: 'r' } as NetworkIR,
      `node "r" (relu): the first node must be the 'input' node`,
    ],
    [net({ id: 'w', op: 'warp', inputs: ['in'] } as never), 'node "w" (warp): unknown op "warp"'],
    [{ nodes: [input()], output: 'out' }, 'output "out" is not a node of the network'],
  ])('%#', (ir, message) => {
    expect(errorOf(ir as NetworkIR)).toBe(message);
  });
});
