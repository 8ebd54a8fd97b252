import { describe, expect, it } from 'vitest';
import { MstfError } from '../../core/errors.js';
import { resnetIR } from '../../core/models/resnet.js';
import { activationFloats, bytesFor } from '../../core/memory/estimate.js';
import { backendMemoryLimit, microBatchSizes, planMemory, trainStepMemory } from '../../core/training/memory.js';
import { mstfSpace } from '../../plugins/space-mstf/space.js';
import { tinyIR } from './fixtures.js';

const ctx = { inputShape: [28, 28, 1] as [number, number, number], classes: 2 };
const GENOTYPE = '1,0,1,1,0,2,1,1,0,0,5,2,3,3,1,0,0,0,3,0,0,2,4,1,4,1,0,3,1,0,6,1,2,1,0,1,4,0,5,1,4,5';
const mstf128 = () => {
  const s = mstfSpace.create(ctx, { blocks: 3, channels: 128 });
  return s.decode(s.parse(GENOTYPE));
};

// wasm heap high-water marks measured after one step in a fresh process (docs/decisions.md, "Training memory").
const MEASURED = [
  { name: 'mstf C0=128', ir: mstf128, batch: 4, heap: 647_626_752 },
  { name: 'mstf C0=128', ir: mstf128, batch: 16, heap: 2_347_171_840 },
  { name: 'resnet50', ir: () => resnetIR('resnet50', ctx), batch: 4, heap: 1_048_772_608 },
  { name: 'resnet50', ir: () => resnetIR('resnet50', ctx), batch: 16, heap: 2_720_137_216 },
  { name: 'resnet18', ir: () => resnetIR('resnet18', ctx), batch: 128, heap: 3_267_821_568 },
];

describe('training memory estimate', () => {
  it('counts every node output: tiny net by hand', () => {
    // input 16x16x1 = 256, conv /2 8x8x8 = 512, BN 512, ReLU 512, GAP 8, dense 2.
    expect(activationFloats(tinyIR(16, 1, 2, 8))).toBe(256 + 512 * 3 + 8 + 2);
  });

  it('is above every measured peak and within 1.3x of it', () => {
    for (const m of MEASURED) {
      const est = bytesFor(trainStepMemory(m.ir()), m.batch);
      expect(est, `${m.name} batch ${m.batch}`).toBeGreaterThan(m.heap);
      expect(est, `${m.name} batch ${m.batch}`).toBeLessThan(1.3 * m.heap);
    }
  });

  it('near-equal micro-batches that cover the batch', () => {
    expect(microBatchSizes(128, 22)).toEqual([22, 22, 21, 21, 21, 21]);
    expect(microBatchSizes(128, 19)).toEqual([19, 19, 18, 18, 18, 18, 18]);
    expect(microBatchSizes(128, 128)).toEqual([128]);
    expect(microBatchSizes(5, 100)).toEqual([5]);
    expect(microBatchSizes(7, 1)).toEqual([1, 1, 1, 1, 1, 1, 1]);
    for (const [n, m] of [
      [128, 17],
      [34, 18],
      [1, 1],
      [100, 33],
    ] as const) {
      const sizes = microBatchSizes(n, m);
      expect(sizes.reduce((a, b) => a + b, 0)).toBe(n);
      expect(Math.max(...sizes)).toBeLessThanOrEqual(m);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    }
  });
});

describe('planMemory', () => {
  it('wasm has a 4 GiB limit; cpu and tensorflow none', () => {
    expect(backendMemoryLimit('wasm')?.bytes).toBe(4294901760);
    expect(backendMemoryLimit('cpu')).toBeUndefined();
    expect(backendMemoryLimit('tensorflow')).toBeUndefined();
  });

  it('ResNet-50 and MSTF C0=128 at batch 128 on wasm: micro-batches whose estimate fits the heap', () => {
    for (const ir of [resnetIR('resnet50', ctx), mstf128()]) {
      const p = planMemory(ir, 128, 'wasm');
      expect(p.microBatch).toBeLessThan(128);
      expect(p.microBatch).toBeGreaterThan(4);
      expect(p.microBatches).toBe(Math.ceil(128 / p.microBatch));
      expect(p.stepBytes).toBeLessThanOrEqual(4294901760);
      // The next larger micro-batch would not fit: the plan uses the heap.
      expect(bytesFor(trainStepMemory(ir), Math.ceil(128 / (p.microBatches - 1)))).toBeGreaterThan(4294901760);
      expect(p.evalBytes).toBeLessThanOrEqual(4294901760);
      expect(p.reason).toMatch(
        /^a batch of 128 needs about \d+\.\d\d GiB \(estimate\), over the wasm backend's 4 GiB heap; gradients accumulated over (\d+) micro-batches of at most (\d+) \(estimate \d+\.\d\d GiB\)$/,
      );
      expect(p.reason).toContain(`over ${p.microBatches} micro-batches of at most ${p.microBatch} `);
    }
  });

  it('a small network takes the whole batch; a backend without a limit always does', () => {
    const small = planMemory(tinyIR(28, 1, 2), 128, 'wasm');
    expect(small).toMatchObject({ microBatch: 128, microBatches: 1, evalBatch: 128 });
    // ResNet-18 measured 3.27 GB at batch 128 on wasm: it keeps the protocol's whole batch.
    expect(planMemory(resnetIR('resnet18', ctx), 128, 'wasm')).toMatchObject({ microBatch: 128, microBatches: 1 });
    const cpu = planMemory(resnetIR('resnet50', ctx), 128, 'cpu');
    expect(cpu).toMatchObject({ microBatch: 128, microBatches: 1, evalBatch: 128, limitBytes: null });
    expect(cpu.reason).toBe('the whole batch; backend cpu has no known memory limit');
  });

  it('--micro-batch N is used as given (split evenly), refused when its estimate passes the limit', () => {
    expect(planMemory(resnetIR('resnet50', ctx), 128, 'wasm', 8)).toMatchObject({ microBatch: 8, microBatches: 16 });
    expect(planMemory(tinyIR(28, 1, 2), 128, 'wasm', 50)).toMatchObject({ microBatch: 43, microBatches: 3 });
    expect(() => planMemory(resnetIR('resnet50', ctx), 128, 'wasm', 64)).toThrow(
      /^--micro-batch 64: a step needs about \d+\.\d\d GiB \(estimate\), over the wasm backend's 4 GiB heap \(4\.00 GiB\); use --micro-batch \d+ or less, or auto$/,
    );
    expect(() => planMemory(tinyIR(28, 1, 2), 128, 'wasm', 0)).toThrow(MstfError);
  });

  it('refuses up front, in one line, when a single example does not fit', () => {
    // ResNet-50 on 224x224 inputs: about 64x the activations of the 28x28 form.
    const big = resnetIR('resnet50', { inputShape: [224, 224, 3], classes: 2 });
    let error: unknown;
    try {
      planMemory(big, 128, 'wasm');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MstfError);
    const message = (error as Error).message;
    expect(message.split('\n')).toHaveLength(1);
    expect(message).toMatch(
      /^a training step of this network needs about \d+\.\d\d GiB for a single example \(estimate\), over the wasm backend's 4 GiB heap \(4\.00 GiB\); /,
    );
    // Without a limit the same network is planned, not refused.
    expect(planMemory(big, 128, 'tensorflow').microBatch).toBe(128);
  });
});
