/** Helpers shared by the wasm training kernels. */
import { tf } from '../tf.js';

/**
 * A Tensor view of a kernel input, disposed by the surrounding tidy. makeTensorFromTensorInfo does not
 * take a backend reference, so take one here: otherwise disposing the view would free the input's data.
 */
export function asTensor<R extends tf.Rank>(info: tf.TensorInfo): tf.Tensor<R> {
  const t = tf.engine().makeTensorFromTensorInfo(info) as tf.Tensor<R>;
  tf.engine().backend.incRef(info.dataId);
  return t;
}

export function pair(v: number | [number, number] | undefined): [number, number] {
  if (v === undefined) return [1, 1];
  return Array.isArray(v) ? v : [v, v];
}

export type Pads4 = [[number, number], [number, number], [number, number], [number, number]];

/**
 * The input of a stride-1 'valid'-style correlation that computes a transposed convolution: dy
 * zero-upsampled by the forward stride, with the padding that aligns it to the forward input.
 * (Forward: y[o] = sum_i x[o*s + i*d - top] w[i].)
 */
export function transposedConvInput(
  dy: tf.Tensor4D,
  inputShape: [number, number, number, number],
  kernel: [number, number],
  strides: [number, number],
  dilations: [number, number],
  top: number,
  left: number,
): { u: tf.Tensor4D; pad: 'valid' | Pads4 } {
  const [n, h, w] = inputShape;
  const [, ho, wo, c] = dy.shape;
  const [sh, sw] = strides;
  let u = dy;
  if (sh > 1 || sw > 1) {
    // Insert (s - 1) zeros between rows/columns: reshape + pad + reshape (+ trim the trailing zeros).
    u = tf.reshape(
      tf.pad(tf.reshape(u, [n, ho, 1, wo, 1, c]), [
        [0, 0],
        [0, 0],
        [0, sh - 1],
        [0, 0],
        [0, sw - 1],
        [0, 0],
      ]),
      [n, ho * sh, wo * sw, c],
    );
    u = tf.slice(u, [0, 0, 0, 0], [n, (ho - 1) * sh + 1, (wo - 1) * sw + 1, c]);
  }
  const ekh = (kernel[0] - 1) * dilations[0] + 1;
  const ekw = (kernel[1] - 1) * dilations[1] + 1;
  const [uh, uw] = [u.shape[1], u.shape[2]];
  const pt = ekh - 1 - top;
  const pl = ekw - 1 - left;
  const pb = h + ekh - 1 - pt - uh;
  const pr = w + ekw - 1 - pl - uw;
  if (pt < 0 || pl < 0 || pb < 0 || pr < 0) {
    // Negative padding = cropping (rows of dy that saw only padding of the forward input).
    u = tf.pad(u, [
      [0, 0],
      [Math.max(pt, 0), Math.max(pb, 0)],
      [Math.max(pl, 0), Math.max(pr, 0)],
      [0, 0],
    ]);
    u = tf.slice(u, [0, Math.max(-pt, 0), Math.max(-pl, 0), 0], [n, h + ekh - 1, w + ekw - 1, c]);
    return { u, pad: 'valid' };
  }
  return {
    u,
    pad:
      pt || pb || pl || pr
        ? [
            [0, 0],
            [pt, pb],
            [pl, pr],
            [0, 0],
          ]
        : 'valid',
  };
}
