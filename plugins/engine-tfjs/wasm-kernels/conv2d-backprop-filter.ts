/**
 * Conv2DBackpropFilter for wasm (missing in tfjs-backend-wasm 4.22), as one fast XNNPACK conv2d:
 * dW[i,j,ci,co] = sum_{n,h,w} xpad[n, h*sh + i, w*sw + j, ci] * dy[n,h,w,co]
 * i.e. a conv of x^T [Ci,H,W,N] with the "filter" dy^T [Ho,Wo,N,Co] whose dilation is the forward stride.
 */
import { tf } from '../tf.js';
import { asTensor, pair } from './util.js';

export function conv2dBackpropFilter(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  attrs: tf.Conv2DBackpropFilterAttrs,
): tf.Tensor4D {
  const filterShape = attrs.filterShape;
  const [kh, kw, ci, co] = filterShape;
  const strides = pair(attrs.strides);
  const [n, h, w] = x.shape;
  const info = tf.backend_util.computeConv2DInfo(x.shape, filterShape, strides, 1, attrs.pad, attrs.dimRoundingMode);
  const { top, bottom, left, right } = info.padInfo;
  if (kh === 1 && kw === 1 && strides[0] === 1 && strides[1] === 1 && !(top || bottom || left || right)) {
    // Pointwise: dW = X^T dY, as a 1x1 conv of X^T [Ci,1,1,M] with dY [1,1,M,Co].
    const m = n * h * w;
    const xT = tf.reshape(tf.transpose(x, [3, 0, 1, 2]), [ci, 1, 1, m]) as tf.Tensor4D;
    return tf.reshape(tf.conv2d(xT, tf.reshape(dy, [1, 1, m, co]) as tf.Tensor4D, 1, 'valid'), filterShape);
  }
  const xT = tf.transpose(x, [3, 1, 2, 0]); // [Ci, H, W, N]
  const dyT = tf.transpose(dy, [1, 2, 0, 3]); // [Ho, Wo, N, Co]
  let r = tf.conv2d(
    xT,
    dyT,
    1,
    [
      [0, 0],
      [top, bottom],
      [left, right],
      [0, 0],
    ],
    'NHWC',
    strides,
  ); // [Ci, >=kh, >=kw, Co]
  if (r.shape[1] !== kh || r.shape[2] !== kw) r = tf.slice(r, [0, 0, 0, 0], [ci, kh, kw, co]);
  return tf.transpose(r, [1, 2, 0, 3]);
}

export const conv2dBackpropFilterConfig: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: ({ inputs, attrs }) =>
    tf.tidy(() =>
      conv2dBackpropFilter(
        asTensor<tf.Rank.R4>(inputs.x!),
        asTensor<tf.Rank.R4>(inputs.dy!),
        attrs as unknown as tf.Conv2DBackpropFilterAttrs,
      ),
    ),
};
