import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../plugins/engine-tfjs/tf.js';
import { ensureBackend } from '../../plugins/engine-tfjs/backend.js';
import { compileNetwork } from '../../plugins/engine-tfjs/compile.js';
import type { Network } from '../../core/contracts/engine.js';
import type { NetworkIR } from '../../core/ir/types.js';
import { synflow } from '../../plugins/indicators/synflow.js';
import { denseChain, smallConvNet } from './nets.js';
import { tfjsEngine } from '../../plugins/engine-tfjs/index.js';

beforeAll(async () => {
  await ensureBackend('cpu');
});

async function score(ir: NetworkIR, rescale: boolean, seed = 0): Promise<{ ln: number; log10: number; net: Network }> {
  const net = compileNetwork(ir, { seed });
  const v = await synflow.score({ net, engine: tfjsEngine, ir, seed }, { rescale });
  return { ln: v.score, log10: v.details!.log10 as number, net };
}

/** R = sum of outputs of the bias-free ReLU MLP with |W| and an all-ones input, in float64 JS. */
function chainR(net: Network, ir: NetworkIR): number {
  let h = new Float64Array((ir.nodes[0] as { shape: number[] }).shape[2]!).fill(1);
  for (const node of ir.nodes) {
    if (node.op !== 'dense') continue;
    const w = net.params.get(`${node.id}/weight`)!;
    const [inputs, units] = w.shape as [number, number];
    const wv = w.dataSync();
    const next = new Float64Array(units);
    for (let j = 0; j < units; j++) {
      let s = 0;
      for (let i = 0; i < inputs; i++) s += h[i]! * Math.abs(wv[i * units + j]!);
      next[j] = s;
    }
    h = next;
  }
  return h.reduce((a, b) => a + b, 0);
}

describe('synflow', () => {
  it('equals L * R on a bias-free ReLU chain of L linear layers (per-layer conservation)', async () => {
    const ir = denseChain([5, 7, 6, 4, 3]);
    const { ln, log10, net } = await score(ir, true);
    const r = chainR(net, ir);
    net.dispose();
    expect(ln).toBeCloseTo(Math.log(4 * r), 5);
    expect(log10).toBeCloseTo(Math.log10(4 * r), 5);
  });

  it('stays finite and exact where raw float32 overflows (70 layers of width 64, synflow ~ 1e44)', async () => {
    const ir = denseChain(Array.from({ length: 71 }, () => 64));
    const rescaled = await score(ir, true);
    const r = chainR(rescaled.net, ir);
    rescaled.net.dispose();
    expect(Math.log10(70 * r)).toBeGreaterThan(39); // beyond float32's 3.4e38
    expect(rescaled.ln).toBeCloseTo(Math.log(70 * r), 3);
    const naive = await score(ir, false);
    naive.net.dispose();
    expect(Number.isFinite(naive.ln)).toBe(false);
  });

  it('rescaled equals the naive computation on a conv net with biases, batchnorm, add, concat, pools', async () => {
    for (const seed of [0, 1, 2]) {
      const ir = smallConvNet();
      const a = await score(ir, true, seed);
      const b = await score(ir, false, seed);
      a.net.dispose();
      b.net.dispose();
      expect(Number.isFinite(b.ln)).toBe(true);
      expect(Math.abs(a.ln - b.ln)).toBeLessThan(1e-4);
    }
  });

  it('is deterministic for a seed and leaves no tensor behind', async () => {
    const ir = smallConvNet();
    const before = tf.memory().numTensors;
    const a = await score(ir, true, 7);
    const b = await score(ir, true, 7);
    a.net.dispose();
    b.net.dispose();
    expect(a.ln).toBe(b.ln);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('gives -Infinity when the output ignores the input (a zero cell)', async () => {
    const ir: NetworkIR = {
      nodes: [
        { id: 'input', op: 'input', inputs: [], shape: [4, 4, 1] },
        { id: 'c', op: 'conv', inputs: ['input'], filters: 2, kernel: [3, 3], stride: 1, padding: 'same' },
        { id: 'z', op: 'zero', inputs: ['c'] },
        { id: 'gap', op: 'gap', inputs: ['z'] },
        { id: 'fc', op: 'dense', inputs: ['gap'], units: 2, bias: false },
      ],
      output: 'fc',
    };
    const { ln, net } = await score(ir, true);
    net.dispose();
    expect(ln).toBe(-Infinity);
  });
});
