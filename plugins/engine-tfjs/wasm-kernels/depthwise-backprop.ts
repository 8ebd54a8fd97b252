/**
 * DepthwiseConv2dNativeBackpropInput / BackpropFilter for wasm (both missing in tfjs-backend-wasm 4.22),
 * each as one XNNPACK depthwiseConv2d.
 */
import { tf } from '../tf.js';
import { asTensor, pair, transposedConvInput } from './util.js';

/** dx = depthwise conv of the zero-upsampled, padded dy with the spatially flipped filter. */
export function depthwiseBackpropInput(
  dy: tf.Tensor4D,
  filter: tf.Tensor4D,
  attrs: tf.DepthwiseConv2dNativeBackpropInputAttrs,
): tf.Tensor4D {
  const [kh, kw, c, m] = filter.shape;
  const strides = pair(attrs.strides);
  const dilations = pair(attrs.dilations);
  const [n, h, w] = attrs.inputShape;
  const info = tf.backend_util.computeConv2DInfo(
    attrs.inputShape,
    filter.shape,
    strides,
    dilations,
    attrs.pad,
    attrs.dimRoundingMode,
    true,
  );
  const { u, pad } = transposedConvInput(
    dy,
    attrs.inputShape,
    [kh, kw],
    strides,
    dilations,
    info.padInfo.top,
    info.padInfo.left,
  );
  const flipped = tf.reverse(filter, [0, 1]);
  if (m === 1) return tf.depthwiseConv2d(u, flipped, 1, pad, 'NHWC', dilations);
  // Multiplier m: treat the C*m dy channels separately, then sum each channel's m outputs.
  const r = tf.depthwiseConv2d(u, tf.reshape(flipped, [kh, kw, c * m, 1]) as tf.Tensor4D, 1, pad, 'NHWC', dilations);
  return tf.sum(tf.reshape(r, [n, h, w, c, m]), 4);
}

/**
 * dW[i,j,c,m] = sum_{n,h,w} xpad[n, h*sh + i*dh, w*sw + j*dw, c] * dy[n,h,w,c*M+m]: one depthwise conv
 * over N*C channels (x -> [1,H,W,N*C], "filter" dy -> [Ho,Wo,N*C,M]) with stride and dilation swapped,
 * then a sum over N.
 */
export function depthwiseBackpropFilter(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  attrs: tf.DepthwiseConv2dNativeBackpropFilterAttrs,
): tf.Tensor4D {
  const filterShape = attrs.filterShape;
  const [kh, kw, c, m] = filterShape;
  const strides = pair(attrs.strides);
  const dilations = pair(attrs.dilations);
  const [n, h, w] = x.shape;
  const [, ho, wo] = dy.shape;
  const info = tf.backend_util.computeConv2DInfo(
    x.shape,
    filterShape,
    strides,
    dilations,
    attrs.pad,
    attrs.dimRoundingMode,
    true,
  );
  const { top, bottom, left, right } = info.padInfo;
  const xs = tf.reshape(tf.transpose(x, [1, 2, 0, 3]), [1, h, w, n * c]) as tf.Tensor4D;
  const f = tf.reshape(tf.transpose(tf.reshape(dy, [n, ho, wo, c * m]), [1, 2, 0, 3]), [
    ho,
    wo,
    n * c,
    m,
  ]) as tf.Tensor4D;
  let r = tf.depthwiseConv2d(
    xs,
    f,
    dilations,
    [
      [0, 0],
      [top, bottom],
      [left, right],
      [0, 0],
    ],
    'NHWC',
    strides,
  );
  if (r.shape[1] !== kh || r.shape[2] !== kw) r = tf.slice(r, [0, 0, 0, 0], [1, kh, kw, n * c * m]);
  return tf.reshape(tf.sum(tf.reshape(r, [kh, kw, n, c, m]), 2), filterShape);
}

export const depthwiseBackpropInputConfig: tf.KernelConfig = {
  kernelName: tf.DepthwiseConv2dNativeBackpropInput,
  backendName: 'wasm',
  kernelFunc: ({ inputs, attrs }) =>
    tf.tidy(() =>
      depthwiseBackpropInput(
        asTensor<tf.Rank.R4>(inputs.dy!),
        asTensor<tf.Rank.R4>(inputs.filter!),
        attrs as unknown as tf.DepthwiseConv2dNativeBackpropInputAttrs,
      ),
    ),
};

export const depthwiseBackpropFilterConfig: tf.KernelConfig = {
  kernelName: tf.DepthwiseConv2dNativeBackpropFilter,
  backendName: 'wasm',
  kernelFunc: ({ inputs, attrs }) =>
    tf.tidy(() =>
      depthwiseBackpropFilter(
        asTensor<tf.Rank.R4>(inputs.x!),
        asTensor<tf.Rank.R4>(inputs.dy!),
        attrs as unknown as tf.DepthwiseConv2dNativeBackpropFilterAttrs,
      ),
    ),
};
