/** A short training loop on wasm lowers the loss of a small net on real BreastMNIST images. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tf } from '../../plugins/engine-tfjs/tf.js';
import { compileNetwork } from '../../plugins/engine-tfjs/compile.js';
import { benchmarkNetIR } from '../../core/ir/benchmark-net.js';
import { softmaxCrossEntropy } from '../../plugins/engine-tfjs/losses.js';
import { Adam, trainStep } from '../../plugins/engine-tfjs/optimizers.js';
import { readNpz } from '../../core/data/npz.js';
import { useBackend } from './helpers.js';

const NPZ = path.resolve(__dirname, '../../../shared/data/medmnist/breastmnist.npz');

describe('training on BreastMNIST (wasm)', () => {
  it('40 Adam steps lower the cross-entropy on the training images', async () => {
    await useBackend('wasm');
    const arrays = readNpz(NPZ, ['train_images', 'train_labels']);
    const images = arrays.train_images!;
    const labelsArr = arrays.train_labels!;
    expect(images.shape.slice(1)).toEqual([28, 28]);
    const n = 128;
    const pixels = Float32Array.from((images.data as Uint8Array).subarray(0, n * 784), (v) => v / 255 - 0.5);
    const labelData = Int32Array.from((labelsArr.data as Uint8Array).subarray(0, n));
    // Both classes are present (BreastMNIST: malignant 0 / normal-benign 1).
    expect(new Set(labelData).size).toBe(2);
    const x = tf.tensor4d(pixels, [n, 28, 28, 1]);
    const y = tf.tensor1d(labelData, 'int32');
    const net = compileNetwork(benchmarkNetIR({ channels: 8, classes: 2 }), { seed: 7 });
    const fullLoss = (): number =>
      tf.tidy(() => softmaxCrossEntropy(net.forward(x, { training: true }).output, y).dataSync()[0]!);
    const before = fullLoss();
    const opt = new Adam(net, { lr: 0.01 });
    const batch = 32;
    for (let step = 0; step < 40; step++) {
      const start = (step * batch) % n;
      const xb = tf.slice(x, [start, 0, 0, 0], [batch, 28, 28, 1]);
      const yb = tf.slice(y, [start], [batch]);
      trainStep(net, opt, xb, (o) => softmaxCrossEntropy(o.output, yb));
      tf.dispose([xb, yb]);
    }
    const after = fullLoss();
    expect(Number.isFinite(after)).toBe(true);
    expect(after).toBeLessThan(0.85 * before);
    opt.dispose();
    net.dispose();
    tf.dispose([x, y]);
  });
});
