/** Losses against hand-computed values; optimizers against their update rules worked by hand. */
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../plugins/engine-tfjs/tf.js';
import { sigmoidBCE, softmaxCrossEntropy, taskLoss } from '../../plugins/engine-tfjs/losses.js';
import { Adam, SGD } from '../../plugins/engine-tfjs/optimizers.js';
import { multiStepLR } from '../../core/training/schedule.js';
import { compileNetwork } from '../../plugins/engine-tfjs/compile.js';
import { batchToTensors } from '../../plugins/engine-tfjs/batch.js';
import type { NetworkIR } from '../../core/ir/types.js';
import { useBackend } from './helpers.js';

beforeAll(async () => {
  await useBackend('wasm');
});

describe('losses', () => {
  it('softmax cross-entropy: mean of -log softmax at the label', () => {
    const logits = tf.tensor2d([
      [1, 2, 3],
      [0, 0, 0],
    ]);
    const labels = tf.tensor1d([2, 0], 'int32');
    const e = Math.E;
    const expected = (-Math.log(e ** 3 / (e + e ** 2 + e ** 3)) + Math.log(3)) / 2;
    expect(softmaxCrossEntropy(logits, labels).dataSync()[0]).toBeCloseTo(expected, 5);
    expect(taskLoss('binary-class', logits, labels).dataSync()[0]).toBeCloseTo(expected, 5);
    tf.dispose([logits, labels]);
  });

  it('sigmoid BCE: mean over batch and labels, stable for large logits', () => {
    const logits = tf.tensor2d([
      [0, 2],
      [100, -100],
    ]);
    const targets = tf.tensor2d([
      [1, 0],
      [1, 0],
    ]);
    const expected = (Math.log(2) + Math.log(1 + Math.exp(2)) + 0 + 0) / 4;
    expect(sigmoidBCE(logits, targets).dataSync()[0]).toBeCloseTo(expected, 5);
    expect(taskLoss('multi-label', logits, targets).dataSync()[0]).toBeCloseTo(expected, 5);
    tf.dispose([logits, targets]);
  });

  it('batchToTensors: images NHWC, int labels or multi-hot', () => {
    const b = batchToTensors({
      x: new Float32Array(2 * 2 * 2 * 1).fill(0.5),
      shape: [2, 2, 2, 1],
      labels: Int32Array.from([1, 0]),
      labelWidth: 1,
      task: 'binary-class',
      classes: 2,
    });
    expect(b.x.shape).toEqual([2, 2, 2, 1]);
    expect(b.labels.dtype).toBe('int32');
    b.dispose();
    const m = batchToTensors({
      x: new Float32Array(4),
      shape: [2, 1, 2, 1],
      labels: Int32Array.from([1, 0, 0, 1, 1, 1]),
      labelWidth: 3,
      task: 'multi-label',
      classes: 3,
    });
    expect(m.labels.shape).toEqual([2, 3]);
    expect(Array.from(m.labels.dataSync())).toEqual([1, 0, 0, 1, 1, 1]);
    m.dispose();
    expect(() =>
      batchToTensors({
        x: new Float32Array(3),
        shape: [2, 1, 2, 1],
        labels: Int32Array.from([1, 0]),
        labelWidth: 1,
        task: 'multi-class',
        classes: 2,
      }),
    ).toThrow(/batch has 3 values/);
  });
});

const tinyIR: NetworkIR = {
  nodes: [
    { id: 'in', op: 'input', inputs: [], shape: [1, 1, 2] },
    { id: 'gap', op: 'gap', inputs: ['in'] },
    { id: 'fc', op: 'dense', inputs: ['gap'], units: 1, bias: false },
  ],
  output: 'fc',
};

describe('optimizers', () => {
  it('Adam first step moves each weight by lr * g / (|g| + eps)', () => {
    const net = compileNetwork(tinyIR, { seed: 1 });
    const w0 = Array.from(net.params.get('fc/weight')!.dataSync());
    const opt = new Adam(net, { lr: 0.1 });
    const g = tf.tensor2d([[0.5], [-2]]);
    opt.step(new Map([['fc/weight', g]]));
    const w1 = net.params.get('fc/weight')!.dataSync();
    expect(w1[0]).toBeCloseTo(w0[0]! - 0.1 * (0.5 / (0.5 + 1e-8)), 6);
    expect(w1[1]).toBeCloseTo(w0[1]! + 0.1 * (2 / (2 + 1e-8)), 6);
    // Second step with the same gradient: m^ = g, v^ = g^2 again -> same move.
    opt.step(new Map([['fc/weight', g]]));
    expect(net.params.get('fc/weight')!.dataSync()[0]).toBeCloseTo(w0[0]! - 0.2, 5);
    opt.dispose();
    g.dispose();
    net.dispose();
  });

  it('SGD with momentum: buf = g, then mu * buf + g', () => {
    const net = compileNetwork(tinyIR, { seed: 1 });
    const w0 = net.params.get('fc/weight')!.dataSync()[0]!;
    const opt = new SGD(net, { lr: 0.1, momentum: 0.9 });
    const g1 = tf.tensor2d([[1], [0]]);
    const g2 = tf.tensor2d([[2], [0]]);
    opt.step(new Map([['fc/weight', g1]]));
    expect(net.params.get('fc/weight')!.dataSync()[0]).toBeCloseTo(w0 - 0.1, 6);
    opt.step(new Map([['fc/weight', g2]]));
    expect(net.params.get('fc/weight')!.dataSync()[0]).toBeCloseTo(w0 - 0.1 - 0.1 * (0.9 * 1 + 2), 6);
    opt.dispose();
    tf.dispose([g1, g2]);
    net.dispose();
  });

  it('multi-step learning rate', () => {
    const lr = multiStepLR(0.1, [30, 10], 0.5);
    expect([0, 9, 10, 29, 30, 100].map(lr)).toEqual([0.1, 0.1, 0.05, 0.05, 0.025, 0.025]);
  });
});
