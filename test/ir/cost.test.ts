/** FLOPs (multiply-accumulates) and parameter counts against hand counts. */
import { describe, expect, it } from 'vitest';
import { layerCosts, networkCost } from '../../core/ir/cost.js';
import { benchmarkNetIR } from '../../core/ir/benchmark-net.js';
import type { IRNode, NetworkIR } from '../../core/ir/types.js';

const one = (node: IRNode, shape: [number, number, number] = [32, 32, 16]): { flops: number; params: number } => {
  const ir: NetworkIR = { nodes: [{ id: 'in', op: 'input', inputs: [], shape }, node], output: node.id };
  const row = layerCosts(ir).find((r) => r.node === node.id)!;
  return { flops: row.flops, params: row.params };
};

describe('single layers', () => {
  it('conv 3x3 16->32 same stride 1 on 32x32: 32*32*32*3*3*16 MACs, 3*3*16*32 weights', () => {
    expect(
      one({ id: 'c', op: 'conv', inputs: ['in'], filters: 32, kernel: [3, 3], stride: 1, padding: 'same' }),
    ).toEqual({
      flops: 4718592,
      params: 4608,
    });
  });
  it('conv 1x7 stride 2 with bias: 16*16*8*1*7*16 MACs, 7*16*8 + 8 params', () => {
    expect(
      one({ id: 'c', op: 'conv', inputs: ['in'], filters: 8, kernel: [1, 7], stride: 2, padding: 'same', bias: true }),
    ).toEqual({
      flops: 229376,
      params: 904,
    });
  });
  it('depthwise 5x5 dilation 2 (same): 32*32*16*25 MACs, 400 params', () => {
    expect(
      one({ id: 'd', op: 'depthwise', inputs: ['in'], kernel: [5, 5], stride: 1, padding: 'same', dilation: 2 }),
    ).toEqual({
      flops: 409600,
      params: 400,
    });
  });
  it('depthwise multiplier 2 stride 2 valid 3x3: 15*15*32*9 MACs, 3*3*16*2 params', () => {
    expect(
      one({ id: 'd', op: 'depthwise', inputs: ['in'], kernel: [3, 3], stride: 2, padding: 'valid', multiplier: 2 }),
    ).toEqual({
      flops: 64800,
      params: 288,
    });
  });
  it('batchnorm: 2C parameters (affine), 0 when affine is false; running stats are not parameters', () => {
    expect(one({ id: 'b', op: 'batchnorm', inputs: ['in'] })).toEqual({ flops: 0, params: 32 });
    expect(one({ id: 'b', op: 'batchnorm', inputs: ['in'], affine: false })).toEqual({ flops: 0, params: 0 });
  });
  it('dense 64->10: 640 MACs, 650 params with the default bias', () => {
    const ir: NetworkIR = {
      nodes: [
        { id: 'in', op: 'input', inputs: [], shape: [4, 4, 64] },
        { id: 'g', op: 'gap', inputs: ['in'] },
        { id: 'fc', op: 'dense', inputs: ['g'], units: 10 },
      ],
      output: 'fc',
    };
    expect(layerCosts(ir).map((r) => [r.node, r.flops, r.params])).toEqual([
      ['in', 0, 0],
      ['g', 0, 0],
      ['fc', 640, 650],
    ]);
  });
  it('pools, relu, add, concat, zero, identity count nothing', () => {
    for (const node of [
      { id: 'p', op: 'pool', inputs: ['in'], mode: 'max', window: 3, stride: 2, padding: 'same' },
      { id: 'r', op: 'relu', inputs: ['in'] },
      { id: 'a', op: 'add', inputs: ['in', 'in'] },
      { id: 'k', op: 'concat', inputs: ['in', 'in'] },
      { id: 'z', op: 'zero', inputs: ['in'], stride: 2 },
      { id: 'i', op: 'identity', inputs: ['in'] },
    ] as IRNode[]) {
      expect(one(node)).toEqual({ flops: 0, params: 0 });
    }
  });
});

describe('networks', () => {
  it('the benchmark net: totals are the sums of the layers and match a hand count', () => {
    const ir = benchmarkNetIR({ channels: 32, size: 28, classes: 10 });
    const rows = layerCosts(ir);
    const total = networkCost(ir);
    expect(total.flops).toBe(rows.reduce((a, r) => a + r.flops, 0));
    expect(total.params).toBe(rows.reduce((a, r) => a + r.params, 0));
    // stem 3*3*1*32 = 288; 6 x (dw 9*32 + pw 32*32) = 7872; 7 BN x 64 = 448; fc 32*10+10 = 330
    expect(total.params).toBe(288 + 7872 + 448 + 330);
    // stem 28*28*32*9; 4 seps at 28x28: 28*28*(32*9 + 32*32); 2 seps at 14x14: 14*14*(...); fc 320
    expect(total.flops).toBe(28 * 28 * 32 * 9 + 4 * 28 * 28 * (288 + 1024) + 2 * 14 * 14 * (288 + 1024) + 320);
    expect(rows.find((r) => r.node === 'sep0_dw')).toMatchObject({ group: 'sep0', outShape: [28, 28, 32] });
  });
});
