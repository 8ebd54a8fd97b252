import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBackend } from '../../plugins/engine-tfjs/backend.js';
import { compileNetwork } from '../../plugins/engine-tfjs/compile.js';
import { tf } from '../../plugins/engine-tfjs/tf.js';
import { gatherBatch } from '../../core/data/batch.js';
import { batchGradients } from '../../core/training/micro-batch.js';
import { microBatchSizes } from '../../core/training/memory.js';
import type { NetworkIR } from '../../core/ir/types.js';
import type { TaskType } from '../../core/contracts/dataset.js';
import { syntheticDataset, syntheticSplit } from './fixtures.js';
import { tfjsEngine } from '../../plugins/engine-tfjs/index.js';

beforeAll(async () => {
  await ensureBackend();
});

/** conv -> ReLU -> dense: the smallest network with a nonlinearity and no batchnorm. */
function plainIR(size: number, classes: number): NetworkIR {
  return {
    nodes: [
      { id: 'input', op: 'input', inputs: [], shape: [size, size, 1] },
      { id: 'c1', op: 'conv', inputs: ['input'], filters: 4, kernel: [3, 3], stride: 2, padding: 1 },
      { id: 'r1', op: 'relu', inputs: ['c1'] },
      { id: 'g', op: 'gap', inputs: ['r1'] },
      { id: 'fc', op: 'dense', inputs: ['g'], units: classes },
    ],
    output: 'fc',
  };
}

/** conv, ReLU, max and average pooling, a depthwise-separable conv, a residual add, dense; no batchnorm. */
function realisticIR(size: number, classes: number): NetworkIR {
  return {
    nodes: [
      { id: 'input', op: 'input', inputs: [], shape: [size, size, 1] },
      { id: 'stem', op: 'conv', inputs: ['input'], filters: 8, kernel: [3, 3], stride: 1, padding: 1 },
      { id: 'r0', op: 'relu', inputs: ['stem'] },
      { id: 'mp', op: 'pool', inputs: ['r0'], mode: 'max', window: 2, stride: 2, padding: 0 },
      { id: 'dw', op: 'depthwise', inputs: ['mp'], kernel: [5, 5], stride: 1, padding: 2 },
      { id: 'pw', op: 'conv', inputs: ['dw'], filters: 8, kernel: [1, 1], stride: 1, padding: 0 },
      { id: 'r1', op: 'relu', inputs: ['pw'] },
      { id: 'res', op: 'add', inputs: ['r1', 'mp'] },
      { id: 'ap', op: 'pool', inputs: ['res'], mode: 'avg', window: 3, stride: 2, padding: 1 },
      { id: 'c2', op: 'conv', inputs: ['ap'], filters: 12, kernel: [3, 3], stride: 2, padding: 1 },
      { id: 'r2', op: 'relu', inputs: ['c2'] },
      { id: 'g', op: 'gap', inputs: ['r2'] },
      { id: 'fc', op: 'dense', inputs: ['g'], units: classes },
    ],
    output: 'fc',
  };
}

/** max |a - b| over all parameters, relative to the largest |b| of the same parameter. */
function maxRelativeDiff(a: Map<string, tf.Tensor>, b: Map<string, tf.Tensor>): number {
  expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
  let worst = 0;
  for (const [name, ta] of a) {
    const va = ta.dataSync();
    const vb = b.get(name)!.dataSync();
    let diff = 0;
    let scale = 0;
    for (let i = 0; i < va.length; i++) {
      diff = Math.max(diff, Math.abs(va[i]! - vb[i]!));
      scale = Math.max(scale, Math.abs(vb[i]!));
    }
    expect(scale).toBeGreaterThan(0); // every parameter gets a gradient: the check is not vacuous
    worst = Math.max(worst, diff / scale);
  }
  return worst;
}

function compare(
  ir: NetworkIR,
  task: TaskType,
  classes: number,
  n: number,
  micro: number,
): { rel: number; lossFull: number; lossMicro: number } {
  const size = ir.nodes[0]!.op === 'input' ? (ir.nodes[0] as { shape: number[] }).shape[0]! : 0;
  const dataset = syntheticDataset(task, classes);
  const split = syntheticSplit(n, size, task, classes, 7);
  const batch = gatherBatch(
    split,
    Array.from({ length: n }, (_, i) => i),
    dataset,
  );
  const net = compileNetwork(ir, { seed: 3 });
  try {
    const before = tf.memory().numTensors;
    const full = batchGradients(tfjsEngine, net, batch, n);
    const acc = batchGradients(tfjsEngine, net, batch, micro);
    const rel = maxRelativeDiff(acc.grads, full.grads);
    tf.dispose([...full.grads.values(), ...acc.grads.values()]);
    expect(tf.memory().numTensors).toBe(before);
    return { rel, lossFull: full.value, lossMicro: acc.value };
  } finally {
    net.dispose();
  }
}

describe('gradient accumulation over micro-batches equals the full-batch gradient (no batchnorm)', () => {
  it('conv + ReLU + dense, 12 examples in micro-batches of 5 (5, 4, 3 -> near-equal 4, 4, 4)', () => {
    expect(microBatchSizes(12, 5)).toEqual([4, 4, 4]);
    const r = compare(plainIR(12, 3), 'multi-class', 3, 12, 5);
    expect(r.rel).toBeLessThanOrEqual(1e-5);
    expect(Math.abs(r.lossMicro - r.lossFull)).toBeLessThanOrEqual(1e-6 * Math.abs(r.lossFull));
  });

  it('conv, ReLU, max/avg pooling, depthwise, residual add, dense: uneven micro-batches (4, 3, 3)', () => {
    expect(microBatchSizes(10, 4)).toEqual([4, 3, 3]);
    const r = compare(realisticIR(16, 2), 'binary-class', 2, 10, 4);
    expect(r.rel).toBeLessThanOrEqual(1e-5);
    expect(Math.abs(r.lossMicro - r.lossFull)).toBeLessThanOrEqual(1e-6 * Math.abs(r.lossFull));
  });

  it('multi-label (BCE over examples x labels): micro-batches of one example', () => {
    const r = compare(realisticIR(16, 4), 'multi-label', 4, 6, 1);
    expect(r.rel).toBeLessThanOrEqual(1e-5);
  });

  it('with batchnorm the accumulated gradient is NOT the full-batch one (per-micro-batch statistics)', () => {
    // The documented difference: this check fails if batchnorm ever stopped using batch statistics.
    const ir = realisticIR(16, 2);
    const withBn: NetworkIR = {
      ...ir,
      nodes: ir.nodes.flatMap((node) =>
        node.id === 'stem'
          ? [node, { id: 'bn', op: 'batchnorm', inputs: ['stem'] } as const]
          : node.id === 'r0'
            ? [{ ...node, inputs: ['bn'] }]
            : [node],
      ),
    };
    const r = compare(withBn, 'binary-class', 2, 10, 4);
    expect(r.rel).toBeGreaterThan(1e-3);
  });
});
