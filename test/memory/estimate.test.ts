import { describe, expect, it } from 'vitest';
import type { NetworkIR } from '../../core/ir/types.js';
import {
  activationFloats,
  bytesFor,
  estimateBytes,
  estimateMemory,
  largestActivationFloats,
  largestFitting,
} from '../../core/memory/estimate.js';
import { evalMemory, trainStepMemory } from '../../core/training/memory.js';
import { estimateJobBytes } from '../../mcp-server/limits.js';

// input 8x8x3 -> conv 3x3 pad 1 (4 filters, no bias) -> BN -> ReLU -> max pool 2/2 -> gap -> dense 3.
const ir: NetworkIR = {
  nodes: [
    { id: 'input', op: 'input', inputs: [], shape: [8, 8, 3] },
    { id: 'conv', op: 'conv', inputs: ['input'], filters: 4, kernel: [3, 3], stride: 1, padding: 1 },
    { id: 'bn', op: 'batchnorm', inputs: ['conv'] },
    { id: 'relu', op: 'relu', inputs: ['bn'] },
    { id: 'pool', op: 'pool', inputs: ['relu'], mode: 'max', window: 2, stride: 2, padding: 0 },
    { id: 'gap', op: 'gap', inputs: ['pool'] },
    { id: 'fc', op: 'dense', inputs: ['gap'], units: 3 },
  ],
  output: 'fc',
};
// By hand, floats per example: input 8*8*3 = 192; conv, BN, ReLU 8*8*4 = 256 each; pool 4*4*4 = 64; gap 4; fc 3.
const FLOATS = 192 + 3 * 256 + 64 + 4 + 3; // 1031
const LARGEST = 256;
// Parameters: conv 3*3*3*4 = 108, BN gamma and beta 2*4 = 8, dense 4*3 + 3 bias = 15.
const PARAMS = 108 + 8 + 15; // 131

describe('the shared memory estimate (core/memory/estimate.ts)', () => {
  it('counts activations by hand', () => {
    expect(activationFloats(ir)).toBe(FLOATS);
    expect(largestActivationFloats(ir)).toBe(LARGEST);
  });

  it('forward, backward and second-order bytes for a batch of 5', () => {
    expect(estimateBytes(ir, 'forward', 5)).toBe(3 * LARGEST * 4 * 5); // 15,360
    expect(estimateBytes(ir, 'backward', 5)).toBe(FLOATS * 4 * 2 * 5); // 41,240
    expect(estimateBytes(ir, 'secondOrder', 5)).toBe(FLOATS * 4 * 2 * 5 * 5); // 206,200
  });

  it('a training step and an evaluation forward: parameters fixed, activations per example', () => {
    const base = 32 * 2 ** 20;
    expect(estimateBytes(ir, 'trainStep', 2)).toBeCloseTo(base + PARAMS * 4 * 6.6 + 2 * FLOATS * 4 * 4.73, 6);
    expect(estimateBytes(ir, 'evalForward', 2)).toBeCloseTo(base + PARAMS * 4 * 1.1 + 2 * FLOATS * 4 * 1.87, 6);
  });

  it('the largest batch that fits a limit', () => {
    const backward = estimateMemory(ir, 'backward');
    expect(largestFitting(backward, FLOATS * 8 * 5, 100)).toBe(5);
    expect(largestFitting(backward, FLOATS * 8 * 5 - 1, 100)).toBe(4);
    expect(largestFitting(backward, FLOATS * 8 - 1, 100)).toBe(0);
    expect(largestFitting(backward, FLOATS * 8 * 500, 100)).toBe(100);
  });

  it('is the estimate MCP admission and the training planner use', () => {
    expect(estimateJobBytes(ir, 5)).toBe(FLOATS * 4 * 2 * 5);
    expect(bytesFor(trainStepMemory(ir), 7)).toBe(estimateBytes(ir, 'trainStep', 7));
    expect(bytesFor(evalMemory(ir), 7)).toBe(estimateBytes(ir, 'evalForward', 7));
  });
});
