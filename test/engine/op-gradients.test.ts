/**
 * Every op's gradients on wasm (with the mstf training kernels) agree with the cpu backend and with
 * central finite differences, within 1e-3 relative to the largest gradient of the tensor.
 */
import { describe, expect, it } from 'vitest';
import { tf } from '../../plugins/engine-tfjs/tf.js';
import { conv2d, depthwiseConv2d, pool2d, batchNormTrain } from '../../plugins/engine-tfjs/layers.js';
import type { Padding } from '../../core/ir/types.js';
import { distinctArray, maxAbs, randomArray, relError, sizeOf, useBackend } from './helpers.js';

interface OpCase {
  name: string;
  shapes: number[][];
  f: (...ts: tf.Tensor[]) => tf.Tensor;
  /** FD step: large for ops linear in each input, small for max pooling. */
  eps: number;
  distinct?: boolean;
}

const cases: OpCase[] = [];
const convKernels: [number, number][] = [
  [1, 1],
  [3, 3],
  [5, 5],
  [7, 7],
  [1, 7],
  [7, 1],
];
for (const [kh, kw] of convKernels) {
  for (const stride of [1, 2]) {
    for (const padding of ['same', 'valid'] as Padding[]) {
      cases.push({
        name: `conv ${kh}x${kw} s${stride} ${padding}`,
        shapes: [
          [2, 9, 9, 3],
          [kh, kw, 3, 4],
        ],
        f: (x, w) => conv2d(x as tf.Tensor4D, w as tf.Tensor4D, stride, padding),
        eps: 0.25,
      });
    }
  }
}
cases.push({
  name: 'conv 3x3 s2 padding 1 (explicit)',
  shapes: [
    [2, 8, 8, 3],
    [3, 3, 3, 4],
  ],
  f: (x, w) => conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 2, 1),
  eps: 0.25,
});
cases.push({
  name: 'conv 3x3 dilation 2 same',
  shapes: [
    [2, 9, 9, 3],
    [3, 3, 3, 4],
  ],
  f: (x, w) => conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same', 2),
  eps: 0.25,
});
for (const k of [3, 5, 7]) {
  for (const stride of [1, 2]) {
    for (const padding of ['same', 'valid'] as Padding[]) {
      for (const mult of k === 3 ? [1, 2] : [1]) {
        cases.push({
          name: `depthwise ${k}x${k} s${stride} ${padding} x${mult}`,
          shapes: [
            [2, 9, 9, 3],
            [k, k, 3, mult],
          ],
          f: (x, w) => depthwiseConv2d(x as tf.Tensor4D, w as tf.Tensor4D, stride, padding),
          eps: 0.25,
        });
      }
    }
  }
}
for (const [k, padding] of [
  [3, 'same'],
  [5, 'same'],
  [3, 'valid'],
  [3, 2],
] as [number, Padding][]) {
  for (const size of [8, 9]) {
    cases.push({
      name: `depthwise ${k}x${k} dilation 2 ${padding} ${size}x${size}`,
      shapes: [
        [2, size, size, 3],
        [k, k, 3, 1],
      ],
      f: (x, w) => depthwiseConv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, padding, 2),
      eps: 0.25,
    });
  }
}
for (const mode of ['max', 'avg'] as const) {
  for (const window of [2, 3, 4]) {
    for (const padding of ['same', 'valid'] as Padding[]) {
      cases.push({
        name: `${mode} pool ${window} s2 ${padding}`,
        shapes: [[2, 9, 9, 3]],
        f: (x) => pool2d(x as tf.Tensor4D, mode, window, 2, padding),
        eps: mode === 'max' ? 1e-3 : 0.25,
        distinct: mode === 'max',
      });
    }
  }
  cases.push({
    name: `${mode} pool 3 s1 padding 1 (explicit)`,
    shapes: [[2, 8, 8, 3]],
    f: (x) => pool2d(x as tf.Tensor4D, mode, 3, 1, 1),
    eps: mode === 'max' ? 1e-3 : 0.25,
    distinct: mode === 'max',
  });
}

function inputsOf(c: OpCase, caseIndex: number): Float32Array[] {
  return c.shapes.map((s, i) =>
    c.distinct && i === 0 ? distinctArray(sizeOf(s), 100 + caseIndex) : randomArray(sizeOf(s), 1000 * caseIndex + i),
  );
}

/** loss = sum(f(inputs) * R) with a fixed R: gradients of every output element matter. */
function lossOf(c: OpCase, ts: tf.Tensor[]): tf.Scalar {
  const y = c.f(...ts);
  const r = tf.sin(tf.reshape(tf.range(0, y.size), y.shape));
  return tf.sum(tf.mul(y, r));
}

function gradients(c: OpCase, data: Float32Array[]): Float32Array[] {
  return tf.tidy(() => {
    const ts = data.map((d, i) => tf.tensor(d, c.shapes[i]!));
    const gs = tf.grads((...xs: tf.Tensor[]) => lossOf(c, xs))(ts);
    return gs.map((g) => g.dataSync() as Float32Array);
  });
}

function lossValue(c: OpCase, data: Float32Array[]): number {
  return tf.tidy(
    () =>
      lossOf(
        c,
        data.map((d, i) => tf.tensor(d, c.shapes[i]!)),
      ).dataSync()[0]!,
  );
}

/** Central differences on a few coordinates of every input (cpu). */
function finiteDifferences(c: OpCase, data: Float32Array[]): { input: number; index: number; value: number }[] {
  const out: { input: number; index: number; value: number }[] = [];
  data.forEach((d, input) => {
    for (let j = 0; j < 4; j++) {
      const index = Math.floor(((j + 0.37) * d.length) / 4);
      const plus = data.map((a) => a.slice());
      const minus = data.map((a) => a.slice());
      plus[input]![index]! += c.eps;
      minus[input]![index]! -= c.eps;
      const h = plus[input]![index]! - d[index]!; // the step actually taken in float32
      out.push({ input, index, value: (lossValue(c, plus) - lossValue(c, minus)) / (2 * h) });
    }
  });
  return out;
}

describe('op gradients: wasm vs cpu vs finite differences', () => {
  it.each(cases.map((c, i) => [c.name, c, i] as const))('%s', async (_name, c, i) => {
    const data = inputsOf(c, i);
    await useBackend('cpu');
    const ref = gradients(c, data);
    const fd = finiteDifferences(c, data);
    await useBackend('wasm');
    const got = gradients(c, data);
    ref.forEach((r, k) => {
      expect(maxAbs(r)).toBeGreaterThan(0);
      expect(relError(got[k]!, r), `input ${k} wasm vs cpu`).toBeLessThanOrEqual(1e-3);
    });
    for (const p of fd) {
      const scale = maxAbs(got[p.input]!);
      expect(
        Math.abs(got[p.input]![p.index]! - p.value) / scale,
        `input ${p.input}[${p.index}] vs FD`,
      ).toBeLessThanOrEqual(1e-3);
    }
  });

  it('dilated depthwise via space-to-batch equals the direct dilated op (forward)', async () => {
    await useBackend('cpu');
    const x = tf.tensor4d(randomArray(2 * 9 * 9 * 3, 5), [2, 9, 9, 3]);
    const w = tf.tensor4d(randomArray(3 * 3 * 3, 6), [3, 3, 3, 1]);
    for (const padding of ['same', 'valid'] as const) {
      const ours = depthwiseConv2d(x, w, 1, padding, 2);
      const direct = tf.depthwiseConv2d(x, w, 1, padding, 'NHWC', 2);
      expect(ours.shape).toEqual(direct.shape);
      expect(relError(ours.dataSync(), direct.dataSync())).toBeLessThan(1e-6);
      tf.dispose([ours, direct]);
    }
    tf.dispose([x, w]);
  });
});

/** Float64 reference of training-mode batchnorm (per channel over N*H*W) and loss = sum(y * R). */
function bnLoss64(x: Float64Array, gamma: Float64Array, beta: Float64Array, shape: number[], r: Float64Array): number {
  const c = shape[3]!;
  const m = x.length / c;
  let loss = 0;
  for (let ch = 0; ch < c; ch++) {
    let mean = 0;
    for (let i = ch; i < x.length; i += c) mean += x[i]!;
    mean /= m;
    let v = 0;
    for (let i = ch; i < x.length; i += c) v += (x[i]! - mean) ** 2;
    v /= m;
    const rstd = 1 / Math.sqrt(v + 1e-5);
    for (let i = ch; i < x.length; i += c) loss += ((x[i]! - mean) * rstd * gamma[ch]! + beta[ch]!) * r[i]!;
  }
  return loss;
}

describe('batchnorm (closed-form custom gradient)', () => {
  it('matches cpu autodiff of the textbook formula and float64 finite differences, on wasm', async () => {
    const shape = [3, 4, 4, 5];
    const xs = randomArray(sizeOf(shape), 11, 2);
    const gs = Float32Array.from(randomArray(5, 12), (v) => 1 + 0.5 * v);
    const bs = randomArray(5, 13);
    const r = Float32Array.from({ length: xs.length }, (_, i) => Math.sin(i));
    const run = (custom: boolean): Float32Array[] =>
      tf.tidy(() => {
        const f = (x: tf.Tensor, g: tf.Tensor, b: tf.Tensor): tf.Scalar => {
          let y: tf.Tensor;
          if (custom) y = batchNormTrain(x as tf.Tensor4D, g as tf.Tensor1D, b as tf.Tensor1D, 1e-5);
          else {
            const mo = tf.moments(x, [0, 1, 2]);
            y = tf.batchNorm(x, mo.mean, mo.variance, b, g, 1e-5);
          }
          return tf.sum(tf.mul(y, tf.tensor(r, shape)));
        };
        const grads = tf.grads((x, g, b) => f(x!, g!, b!))([tf.tensor(xs, shape), tf.tensor1d(gs), tf.tensor1d(bs)]);
        return grads.map((t) => t.dataSync() as Float32Array);
      });
    await useBackend('cpu');
    const ref = run(false);
    await useBackend('wasm');
    const got = run(true);
    ref.forEach((g, k) => {
      expect(relError(got[k]!, g), `input ${k}`).toBeLessThanOrEqual(1e-3);
    });
    // Float64 central differences on a few coordinates of x, gamma and beta.
    const x64 = Float64Array.from(xs);
    const g64 = Float64Array.from(gs);
    const b64 = Float64Array.from(bs);
    const r64 = Float64Array.from(r);
    const h = 1e-6;
    const arrays = [x64, g64, b64];
    arrays.forEach((arr, k) => {
      for (const index of [0, Math.floor(arr.length / 2), arr.length - 1]) {
        const old = arr[index]!;
        arr[index] = old + h;
        const lp = bnLoss64(x64, g64, b64, shape, r64);
        arr[index] = old - h;
        const lm = bnLoss64(x64, g64, b64, shape, r64);
        arr[index] = old;
        const fd = (lp - lm) / (2 * h);
        expect(Math.abs(got[k]![index]! - fd) / maxAbs(got[k]!), `input ${k}[${index}]`).toBeLessThanOrEqual(1e-3);
      }
    });
  });
});
