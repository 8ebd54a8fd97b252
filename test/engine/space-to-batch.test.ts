/**
 * The wasm SpaceToBatchND / BatchToSpaceND copies (plugins/engine-tfjs/wasm-kernels/space-to-batch.ts) against the
 * cpu backend's stock kernels: bit-identical outputs, paddings/crops on every side, non-square blocks, and
 * the dilated-conv round trip through both (with its gradient).
 */
import { describe, expect, it } from 'vitest';
import { tf } from '../../plugins/engine-tfjs/tf.js';
import { depthwiseConv2d } from '../../plugins/engine-tfjs/layers.js';
import { randomArray, sizeOf, useBackend } from './helpers.js';

const cases: { shape: number[]; block: number[]; pads: number[][] }[] = [
  {
    shape: [2, 9, 9, 3],
    block: [2, 2],
    pads: [
      [2, 3],
      [1, 2],
    ],
  },
  {
    shape: [3, 7, 5, 2],
    block: [3, 2],
    pads: [
      [2, 0],
      [0, 1],
    ],
  },
  {
    shape: [1, 4, 4, 1],
    block: [2, 2],
    pads: [
      [0, 0],
      [0, 0],
    ],
  },
  {
    shape: [4, 6, 6, 5],
    block: [2, 2],
    pads: [
      [4, 4],
      [4, 4],
    ],
  },
];

async function onBackend(name: 'cpu' | 'wasm', f: () => tf.Tensor[]): Promise<Float32Array[]> {
  await useBackend(name);
  const out = tf.tidy(f);
  const values = out.map((t) => t.dataSync() as Float32Array);
  tf.dispose(out);
  return values;
}

describe('wasm SpaceToBatchND / BatchToSpaceND', () => {
  it('equal the cpu kernels exactly, both ways', async () => {
    for (const c of cases) {
      const x = randomArray(sizeOf(c.shape), 1);
      const run = () => {
        const folded = tf.spaceToBatchND(tf.tensor(x, c.shape), c.block, c.pads);
        // Crop a different amount than was padded, so crops are exercised on their own.
        const crops = c.pads.map(([a, b]) => [Math.max(a! - 1, 0), b!]);
        return [folded, tf.batchToSpaceND(folded, c.block, crops)];
      };
      const [cpu, wasm] = [await onBackend('cpu', run), await onBackend('wasm', run)];
      expect(wasm[0]).toEqual(cpu[0]);
      expect(wasm[1]).toEqual(cpu[1]);
    }
  });

  it('a dilated depthwise conv and its gradients agree with the cpu backend (1e-5 relative)', async () => {
    const xs = [2, 9, 9, 3];
    const ws = [3, 3, 3, 1];
    const x = randomArray(sizeOf(xs), 2);
    const w = randomArray(sizeOf(ws), 3);
    const run = () => {
      const f = (a: tf.Tensor, b: tf.Tensor) =>
        tf.sum(tf.square(depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same', 2)));
      const [gx, gw] = tf.grads(f)([tf.tensor(x, xs), tf.tensor(w, ws)]);
      return [
        depthwiseConv2d(
          tf.tensor4d(x, xs as [number, number, number, number]),
          tf.tensor4d(w, ws as [number, number, number, number]),
          1,
          'same',
          2,
        ),
        gx!,
        gw!,
      ];
    };
    const cpu = await onBackend('cpu', run);
    const wasm = await onBackend('wasm', run);
    for (let i = 0; i < 3; i++) {
      let diff = 0;
      let scale = 0;
      for (let j = 0; j < cpu[i]!.length; j++) {
        diff = Math.max(diff, Math.abs(cpu[i]![j]! - wasm[i]![j]!));
        scale = Math.max(scale, Math.abs(cpu[i]![j]!));
      }
      expect(diff / scale).toBeLessThan(1e-5);
    }
  });
});
