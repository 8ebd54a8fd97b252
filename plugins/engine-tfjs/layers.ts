/**
 * Differentiable building blocks used on every backend. They work around tfjs limits (engine-notes.md):
 * dilated convs have no gradient in tfjs-core (trap 1) and batchnorm's stock backward is slow (trap 3).
 */
import { tf } from './tf.js';
import type { Padding } from '../../core/index.js';

type Pads4 = [[number, number], [number, number], [number, number], [number, number]];

/** Explicit [before, after] padding along one axis of a window of `effective` size (TensorFlow 'same'). */
function samePads(n: number, effective: number, stride: number): [number, number] {
  const out = Math.ceil(n / stride);
  const total = Math.max((out - 1) * stride + effective - n, 0);
  const before = Math.floor(total / 2);
  return [before, total - before];
}

/** Padding argument for tfjs conv/pool ops: 'same'/'valid' as given, a number as explicit symmetric zeros. */
function tfPadding(padding: Padding): 'same' | 'valid' | Pads4 {
  if (typeof padding !== 'number') return padding;
  return [
    [0, 0],
    [padding, padding],
    [padding, padding],
    [0, 0],
  ];
}

/**
 * Atrous convolution through space-to-batch (TensorFlow's `with_space_to_batch`): pad, fold the dilation
 * into the batch, run a dilation-1 'valid' op, unfold. Exact and differentiable on every backend.
 */
function atrous(
  x: tf.Tensor4D,
  kernel: [number, number],
  rate: number,
  padding: Padding,
  op: (folded: tf.Tensor4D) => tf.Tensor4D,
): tf.Tensor4D {
  const [, h, w] = x.shape;
  const ekh = (kernel[0] - 1) * rate + 1;
  const ekw = (kernel[1] - 1) * rate + 1;
  const [pt, pb] = padding === 'same' ? samePads(h, ekh, 1) : padding === 'valid' ? [0, 0] : [padding, padding];
  const [pl, pr] = padding === 'same' ? samePads(w, ekw, 1) : padding === 'valid' ? [0, 0] : [padding, padding];
  // Extra bottom/right padding so the padded size divides by the rate; cropped again afterwards.
  const eh = (rate - ((h + pt + pb) % rate)) % rate;
  const ew = (rate - ((w + pl + pr) % rate)) % rate;
  const folded = tf.spaceToBatchND(
    x,
    [rate, rate],
    [
      [pt, pb + eh],
      [pl, pr + ew],
    ],
  ) as tf.Tensor4D;
  return tf.batchToSpaceND(
    op(folded),
    [rate, rate],
    [
      [0, eh],
      [0, ew],
    ],
  ) as tf.Tensor4D;
}

/** Dense conv; weight [kh, kw, ci, co]. Dilation > 1 (stride 1) goes through space-to-batch. */
export function conv2d(
  x: tf.Tensor4D,
  weight: tf.Tensor4D,
  stride: number,
  padding: Padding,
  dilation = 1,
): tf.Tensor4D {
  if (dilation === 1) return tf.conv2d(x, weight, stride, tfPadding(padding));
  const [kh, kw] = weight.shape;
  return atrous(x, [kh, kw], dilation, padding, (f) => tf.conv2d(f, weight, 1, 'valid'));
}

/** Depthwise conv; weight [kh, kw, c, multiplier]. Dilation > 1 (stride 1) goes through space-to-batch. */
export function depthwiseConv2d(
  x: tf.Tensor4D,
  weight: tf.Tensor4D,
  stride: number,
  padding: Padding,
  dilation = 1,
): tf.Tensor4D {
  if (dilation === 1) return tf.depthwiseConv2d(x, weight, stride, tfPadding(padding));
  const [kh, kw] = weight.shape;
  return atrous(x, [kh, kw], dilation, padding, (f) => tf.depthwiseConv2d(f, weight, 1, 'valid'));
}

/**
 * Max/avg pooling. A numeric padding is symmetric; padded cells never win a max and are not counted in
 * an average (TensorFlow semantics, = PyTorch's count_include_pad=False as NAS-Bench-201 and DARTS use).
 *
 * Padded average pooling does NOT use tfjs' padded avgPool: its gradient (AvgPoolGrad, every backend of
 * tfjs 4.22) divides by the full window even where the forward divided by the in-bounds count. Instead:
 * zero-pad, 'valid' avgPool (whose gradient is right), rescale each output by window^2 / in-bounds count.
 */
export function pool2d(
  x: tf.Tensor4D,
  mode: 'max' | 'avg',
  window: number,
  stride: number,
  padding: Padding,
): tf.Tensor4D {
  if (mode === 'max') return tf.maxPool(x, window, stride, padding);
  const [, h, w] = x.shape;
  const [pt, pb] = padding === 'same' ? samePads(h, window, stride) : padding === 'valid' ? [0, 0] : [padding, padding];
  const [pl, pr] = padding === 'same' ? samePads(w, window, stride) : padding === 'valid' ? [0, 0] : [padding, padding];
  if (pt + pb + pl + pr === 0) return tf.avgPool(x, window, stride, 'valid');
  const padded = tf.pad(x, [
    [0, 0],
    [pt, pb],
    [pl, pr],
    [0, 0],
  ]);
  const y = tf.avgPool(padded, window, stride, 'valid');
  const [, ho, wo] = y.shape;
  const inBounds = (o: number, before: number, n: number): number => {
    const start = o * stride - before;
    return Math.min(start + window, n) - Math.max(start, 0);
  };
  const scale = new Float32Array(ho * wo);
  for (let i = 0; i < ho; i++) {
    for (let j = 0; j < wo; j++) scale[i * wo + j] = (window * window) / (inBounds(i, pt, h) * inBounds(j, pl, w));
  }
  return tf.mul(y, tf.tensor4d(scale, [1, ho, wo, 1]));
}

/** Global average pooling [N, H, W, C] -> [N, C] as one avgPool (XNNPACK on wasm; its gradient is native too). */
export function globalAvgPool(x: tf.Tensor4D): tf.Tensor2D {
  const [n, h, w, c] = x.shape;
  return tf.reshape(tf.avgPool(x, [h, w], [h, w], 'valid'), [n, c]);
}

/** Per-channel sum of a [N, H, W, C] tensor -> [1, C]: a global avgPool then a tiny sum over N (fast on wasm). */
export function channelSum(x: tf.Tensor4D): tf.Tensor2D {
  const [, h, w] = x.shape;
  return tf.mul(tf.sum(globalAvgPool(x), 0, true), h * w);
}

export interface BatchStats {
  /** [C] batch mean. */
  mean: tf.Tensor1D;
  /** [C] biased batch variance (divided by N*H*W). */
  variance: tf.Tensor1D;
}

/**
 * Batch statistics of NHWC x per channel, as [1, C]: mean, biased variance (divided by N*H*W),
 * rstd = 1 / sqrt(variance + eps), and the normalised x-hat. Shared by both training-mode batchnorms.
 */
export function batchStatistics(
  x4: tf.Tensor4D,
  eps: number,
): { mean: tf.Tensor; variance: tf.Tensor; rstd: tf.Tensor; xhat: tf.Tensor4D } {
  const [n, h, w] = x4.shape;
  const m = n * h * w;
  const mean = tf.div(channelSum(x4), m); // [1, C]
  const centred = tf.sub(x4, mean) as tf.Tensor4D;
  const variance = tf.div(channelSum(tf.square(centred) as tf.Tensor4D), m);
  const rstd = tf.rsqrt(tf.add(variance, eps));
  return { mean, variance, rstd, xhat: tf.mul(centred, rstd) as tf.Tensor4D };
}

/**
 * Training-mode batchnorm (batch statistics) with the closed-form backward as a tf.customGrad:
 * dx = gamma * rstd * (dy - mean(dy) - xhat * mean(dy * xhat)), dgamma = sum(dy * xhat), dbeta = sum(dy).
 * `onStats` receives the batch mean/variance (kept; the receiver disposes them).
 */
export function batchNormTrain(
  x: tf.Tensor4D,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  eps: number,
  onStats?: (stats: BatchStats) => void,
): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  const m = n * h * w;
  const f = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [x4, g, b, save] = args as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D, tf.GradSaveFunc];
    const { mean, variance, rstd, xhat } = batchStatistics(x4, eps);
    const y = tf.add(tf.mul(xhat, g), b);
    save([xhat, rstd, g]);
    if (onStats) onStats({ mean: tf.keep(tf.reshape(mean, [c])), variance: tf.keep(tf.reshape(variance, [c])) });
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sxhat, srstd, sg] = saved as [tf.Tensor4D, tf.Tensor2D, tf.Tensor1D];
        const dy4 = dy as tf.Tensor4D;
        const dbeta = channelSum(dy4);
        const dgamma = channelSum(tf.mul(dy4, sxhat) as tf.Tensor4D);
        const dx = tf.mul(tf.sub(tf.sub(dy4, tf.div(dbeta, m)), tf.mul(sxhat, tf.div(dgamma, m))), tf.mul(sg, srstd));
        return [dx, tf.reshape(dgamma, [c]), tf.reshape(dbeta, [c])];
      },
    };
  });
  return f(x, gamma, beta) as tf.Tensor4D;
}

/** Eval-mode batchnorm with running statistics: (x - mean) * gamma / sqrt(var + eps) + beta. */
export function batchNormEval(
  x: tf.Tensor4D,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  runningMean: tf.Tensor1D,
  runningVar: tf.Tensor1D,
  eps: number,
): tf.Tensor4D {
  const scale = tf.mul(gamma, tf.rsqrt(tf.add(runningVar, eps)));
  return tf.add(tf.mul(tf.sub(x, runningMean), scale), beta) as tf.Tensor4D;
}
