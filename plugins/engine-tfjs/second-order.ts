/**
 * Exact Hessian-vector products by double backpropagation, as PyTorch's
 * `autograd.grad(loss, w, create_graph=True)` followed by `backward()` of <v, g> computes them (GraSP,
 * zero-cost-nas): H v = d/dw <v, dL/dw>, v held constant.
 *
 * tfjs differentiates a gradient when every kernel its backward pass runs has a gradient of its own.
 * tfjs-core 4.22 has none for five backward kernels our networks use (engine-notes trap 2); they are all
 * linear in the incoming gradient, so their gradients are the forward ops again, registered here for every
 * backend (only where tfjs has none):
 *   Conv2DBackpropFilter(x, dy)                -> x: conv2DBackpropInput(dy, ddW), dy: conv2d(x, ddW)
 *   DepthwiseConv2dNativeBackpropInput(dy, W)  -> dy: depthwise(ddx, W), W: depthwiseBackpropFilter(ddx, dy)
 *   DepthwiseConv2dNativeBackpropFilter(x, dy) -> x: depthwiseBackpropInput(dy, ddW), dy: depthwise(x, ddW)
 *   AvgPoolGrad(dy, x)                         -> dy: avgPool(ddx) (unpadded windows), x: 0
 *   MaxPoolGrad(dy, x, y)                      -> dy: ddx at each window's first maximum, x and y: 0
 *   Equal(a, b)                                -> 0 (in max's gradient)
 * ReLU and max pooling are differentiated as PyTorch does: the masks / argmax positions are constants.
 *
 * Two tfjs traps make a second derivative silently wrong (no error, terms missing):
 * - customGrad ops record nothing inside, so what their backward reads from tensors computed there is a
 *   constant: tf.logSoftmax (softmax saved) and the engine's batchnorm (x-hat saved);
 * - a kernel that saves its OUTPUT for its gradient (Exp, Sigmoid, Tanh, ...) gets the output's traced clone
 *   recorded before itself on the tape, so the second pass never carries what flows through that clone.
 * `taskLossTwice` is the task loss without either; with `secondOrder: true` (ForwardOptions) the network uses
 * `batchNormTrainTwice`, whose backward recomputes x-hat and 1/std from its saved (traced) input, so the second
 * derivative includes the batch statistics' dependence on the weights. No other op of the networks is affected
 * (relu, conv, pools, matMul, add, concat save inputs only; max pooling's saved output has a zero derivative).
 */
import { tf } from './tf.js';
import { batchStatistics, channelSum, type BatchStats } from './layers.js';
import { MstfError, type ForwardResult, type GradientRequest, type Network, type TaskType } from '../../core/index.js';

const runKernel = (name: string, inputs: tf.NamedTensorMap, attrs: object): tf.Tensor =>
  tf.engine().runKernel(name, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;

/** The first maximum of every pooling window (padding never wins): ddx gathered there, shaped as dy. */
function gatherAtMax(x: tf.Tensor4D, ddx: tf.Tensor4D, attrs: tf.MaxPoolGradAttrs): tf.Tensor4D {
  const info = tf.backend_util.computePool2DInfo(
    x.shape,
    attrs.filterSize,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: c, outHeight: ho, outWidth: wo } = info;
  const { strideHeight: sh, strideWidth: sw, effectiveFilterHeight: kh, effectiveFilterWidth: kw } = info;
  const { top, left } = info.padInfo;
  const xv = x.dataSync();
  const dv = ddx.dataSync();
  const out = new Float32Array(n * ho * wo * c);
  for (let b = 0; b < n; b++) {
    for (let oh = 0; oh < ho; oh++) {
      for (let ow = 0; ow < wo; ow++) {
        const ob = ((b * ho + oh) * wo + ow) * c;
        for (let k = 0; k < c; k++) {
          let best = -Infinity;
          let at = -1;
          for (let i = 0; i < kh; i++) {
            const hh = oh * sh - top + i;
            if (hh < 0 || hh >= h) continue;
            for (let j = 0; j < kw; j++) {
              const ww = ow * sw - left + j;
              if (ww < 0 || ww >= w) continue;
              const idx = ((b * h + hh) * w + ww) * c + k;
              if (xv[idx]! > best) {
                best = xv[idx]!;
                at = idx;
              }
            }
          }
          out[ob + k] = at >= 0 ? dv[at]! : 0;
        }
      }
    }
  }
  return tf.tensor4d(out, [n, ho, wo, c]);
}

const SECOND_ORDER_GRADIENTS: tf.GradConfig[] = [
  {
    kernelName: 'Conv2DBackpropFilter',
    inputsToSave: ['x', 'dy'],
    gradFunc: (ddw, saved, attrs) => {
      const [x, dy] = saved as [tf.Tensor4D, tf.Tensor4D];
      const a = attrs as unknown as tf.Conv2DBackpropFilterAttrs;
      return {
        x: () => runKernel('Conv2DBackpropInput', { dy, filter: ddw as tf.Tensor }, { ...a, inputShape: x.shape }),
        dy: () => tf.conv2d(x, ddw as tf.Tensor4D, a.strides, a.pad, 'NHWC', 1, a.dimRoundingMode),
      };
    },
  },
  {
    kernelName: 'DepthwiseConv2dNativeBackpropInput',
    inputsToSave: ['dy', 'filter'],
    gradFunc: (ddx, saved, attrs) => {
      const [dy, filter] = saved as [tf.Tensor4D, tf.Tensor4D];
      const a = attrs as unknown as tf.DepthwiseConv2dNativeBackpropInputAttrs;
      return {
        dy: () =>
          tf.depthwiseConv2d(ddx as tf.Tensor4D, filter, a.strides, a.pad, 'NHWC', a.dilations, a.dimRoundingMode),
        filter: () =>
          runKernel(
            'DepthwiseConv2dNativeBackpropFilter',
            { x: ddx as tf.Tensor, dy },
            { ...a, filterShape: filter.shape },
          ),
      };
    },
  },
  {
    kernelName: 'DepthwiseConv2dNativeBackpropFilter',
    inputsToSave: ['x', 'dy'],
    gradFunc: (ddw, saved, attrs) => {
      const [x, dy] = saved as [tf.Tensor4D, tf.Tensor4D];
      const a = attrs as unknown as tf.DepthwiseConv2dNativeBackpropFilterAttrs;
      return {
        x: () =>
          runKernel(
            'DepthwiseConv2dNativeBackpropInput',
            { dy, filter: ddw as tf.Tensor },
            { ...a, inputShape: x.shape },
          ),
        dy: () => tf.depthwiseConv2d(x, ddw as tf.Tensor4D, a.strides, a.pad, 'NHWC', a.dilations, a.dimRoundingMode),
      };
    },
  },
  {
    kernelName: 'AvgPoolGrad',
    inputsToSave: ['input'],
    gradFunc: (ddx, saved, attrs) => {
      const [input] = saved as [tf.Tensor4D];
      const a = attrs as unknown as tf.AvgPoolGradAttrs;
      const { padInfo } = tf.backend_util.computePool2DInfo(input.shape, a.filterSize, a.strides, 1, a.pad);
      if (padInfo.top || padInfo.bottom || padInfo.left || padInfo.right) {
        // tfjs' AvgPoolGrad divides padded windows by the full window size (not avgPool's adjoint there);
        // the engine never pools with implicit padding (layers.ts pads explicitly), so refuse.
        throw new MstfError('INTERNAL', 'second derivative of a padded average pooling is not supported');
      }
      return {
        dy: () => tf.avgPool(ddx as tf.Tensor4D, a.filterSize, a.strides, 'valid'),
        input: () => tf.zerosLike(input),
      };
    },
  },
  {
    kernelName: 'MaxPoolGrad',
    inputsToSave: ['input', 'output'],
    gradFunc: (ddx, saved, attrs) => {
      const [input, output] = saved as [tf.Tensor4D, tf.Tensor4D];
      const a = attrs as unknown as tf.MaxPoolGradAttrs;
      return {
        dy: () => gatherAtMax(input, ddx as tf.Tensor4D, a),
        input: () => tf.zerosLike(input),
        output: () => tf.zerosLike(output),
      };
    },
  },
  {
    // A comparison is piecewise constant (max's gradient multiplies by equal(x, max(x))).
    kernelName: 'Equal',
    inputsToSave: ['a', 'b'],
    gradFunc: (_dy, saved) => {
      const [a, b] = saved as [tf.Tensor, tf.Tensor];
      return { a: () => tf.zerosLike(a), b: () => tf.zerosLike(b) };
    },
  },
];

let registered = false;

/** Register the gradients above where tfjs has none (idempotent; backend-independent). */
export function registerSecondOrderGradients(): void {
  if (registered) return;
  for (const g of SECOND_ORDER_GRADIENTS) {
    if (!tf.getGradient(g.kernelName)) tf.registerGradient(g);
  }
  registered = true;
}

/**
 * Training-mode batchnorm (batch statistics) that can be differentiated twice. Forward and first-order
 * backward are those of layers.ts `batchNormTrain`; the backward recomputes x-hat from the saved input.
 */
export function batchNormTrainTwice(
  x: tf.Tensor4D,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  eps: number,
  onStats?: (stats: BatchStats) => void,
): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  const m = n * h * w;
  const normalise = (x4: tf.Tensor4D) => batchStatistics(x4, eps);
  const f = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [x4, g, b, save] = args as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D, tf.GradSaveFunc];
    const { mean, variance, xhat } = normalise(x4);
    // Saved tensors are traced clones of the inputs: what the backward computes from them is differentiable.
    save([x4, g]);
    if (onStats) onStats({ mean: tf.keep(tf.reshape(mean, [c])), variance: tf.keep(tf.reshape(variance, [c])) });
    return {
      value: tf.add(tf.mul(xhat, g), b),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, sg] = saved as [tf.Tensor4D, tf.Tensor1D];
        const { xhat: sxhat, rstd } = normalise(sx);
        const dy4 = dy as tf.Tensor4D;
        const dbeta = channelSum(dy4);
        const dgamma = channelSum(tf.mul(dy4, sxhat) as tf.Tensor4D);
        const dx = tf.mul(tf.sub(tf.sub(dy4, tf.div(dbeta, m)), tf.mul(sxhat, tf.div(dgamma, m))), tf.mul(sg, rstd));
        return [dx, tf.reshape(dgamma, [c]), tf.reshape(dbeta, [c])];
      },
    };
  });
  return f(x, gamma, beta) as tf.Tensor4D;
}

/**
 * exp whose backward reads its saved INPUT. tfjs' Exp saves its output, and a saved output's traced clone
 * is recorded before the op that produces it, so a second backward pass drops everything that flows
 * through it (tfjs 4.22): exp(x) must not be differentiated twice with tf.exp.
 */
const expTwice = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const [x, save] = args as [tf.Tensor, tf.GradSaveFunc];
  save([x]);
  return { value: tf.exp(x), gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, tf.exp(saved[0]!)) };
}) as (x: tf.Tensor) => tf.Tensor;

/**
 * The task loss of losses.ts `taskLoss` (same value and gradient), differentiable twice: softmax
 * cross-entropy with log-softmax = z - m - log(sum exp(z - m)), m = max z (tf.logSoftmax is a customGrad;
 * m's own derivative cancels), BCE with logits in the same stable form as losses.ts.
 */
export function taskLossTwice(task: TaskType, logits: tf.Tensor, labels: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    if (task === 'multi-label') {
      const y = tf.cast(labels, 'float32');
      const terms = tf.add(tf.sub(tf.relu(logits), tf.mul(logits, y)), tf.log1p(expTwice(tf.neg(tf.abs(logits)))));
      return tf.mean(terms) as tf.Scalar;
    }
    if (task === 'binary-class' || task === 'multi-class' || task === 'ordinal-regression') {
      const k = logits.shape[logits.rank - 1]!;
      const oneHot = tf.oneHot(tf.cast(tf.reshape(labels, [-1]), 'int32'), k);
      const shifted = tf.sub(logits, tf.max(logits, -1, true));
      const logp = tf.sub(shifted, tf.log(tf.sum(expTwice(shifted), -1, true)));
      return tf.neg(tf.mean(tf.sum(tf.mul(oneHot, logp), -1))) as tf.Scalar;
    }
    throw new MstfError('INVALID_ARGUMENT', `unknown task "${String(task)}"`);
  });
}

/** Names and shapes checked; the parameters as tensors. */
function weightsOf(net: Network, names: string[], v?: ReadonlyMap<string, tf.Tensor>): tf.Tensor[] {
  return names.map((n) => {
    const w = net.params.get(n);
    if (!w) throw new MstfError('INVALID_ARGUMENT', `parameter "${n}" is not a parameter of the network`);
    if (v && w.shape.join(',') !== v.get(n)!.shape.join(',')) {
      throw new MstfError(
        'INVALID_ARGUMENT',
        `direction for "${n}" has shape [${v.get(n)!.shape}], the parameter [${w.shape}]`,
      );
    }
    return w as tf.Tensor;
  });
}

export type ExactHvpOptions = Omit<
  GradientRequest,
  'wrtParams' | 'params' | 'wrtInput' | 'wrtProbes' | 'updateStats' | 'secondOrder'
>;

/**
 * H v of loss(net(x)) w.r.t. the parameters named in v (the other parameters held fixed), exactly:
 * the gradient of <v, dL/dw> by a second backward pass through the first. Running statistics are never
 * updated. `loss` must be differentiable twice (no customGrad: use `taskLossTwice`). Returns the loss value
 * too; every returned tensor belongs to the caller.
 */
export function exactHessianVectorProduct(
  net: Network,
  loss: (out: ForwardResult) => tf.Scalar,
  x: tf.Tensor,
  v: ReadonlyMap<string, tf.Tensor>,
  opts: ExactHvpOptions = {},
): { hv: Map<string, tf.Tensor>; loss: number } {
  registerSecondOrderGradients();
  const names = [...v.keys()];
  if (names.length === 0) return { hv: new Map(), loss: NaN };
  const weights = weightsOf(net, names, v);
  let value = NaN;
  const inner = (): tf.Scalar => {
    const g = net.gradients(loss, x, { ...opts, secondOrder: true, updateStats: false, wrtParams: names });
    value = g.value;
    tf.dispose(Object.values(g.taps));
    return tf.addN(names.map((n) => tf.sum(tf.mul(v.get(n)!, g.params.get(n)!)))) as tf.Scalar;
  };
  const res = tf.engine().gradients(inner, weights, undefined, true);
  res.value.dispose();
  const hv = new Map(names.map((n, i) => [n, res.grads[i] ?? tf.zerosLike(weights[i]!)]));
  return { hv, loss: value };
}

/**
 * g = dL/dw and H g (g held constant) for the named parameters, in one first-order and one second-order
 * pass: what GraSP needs. The same numbers as `exactHessianVectorProduct(net, loss, x, g)` after a separate
 * `net.gradients` (the reference's two passes), one backward pass cheaper. Every returned tensor belongs to
 * the caller.
 */
export function gradientAndHessianGradientProduct(
  net: Network,
  loss: (out: ForwardResult) => tf.Scalar,
  x: tf.Tensor,
  names: string[],
  opts: ExactHvpOptions = {},
): { g: Map<string, tf.Tensor>; hg: Map<string, tf.Tensor>; loss: number } {
  registerSecondOrderGradients();
  if (names.length === 0) return { g: new Map(), hg: new Map(), loss: NaN };
  const weights = weightsOf(net, names);
  let value = NaN;
  let constants: tf.Tensor[] = [];
  const inner = (): tf.Scalar => {
    const g = net.gradients(loss, x, { ...opts, secondOrder: true, updateStats: false, wrtParams: names });
    value = g.value;
    tf.dispose(Object.values(g.taps));
    // g as constants: fresh tensors from the values, outside the tape (PyTorch's grad_w.data).
    constants = names.map((n) => {
      const t = g.params.get(n)!;
      return tf.keep(tf.tensor(t.dataSync(), t.shape, 'float32'));
    });
    return tf.addN(names.map((n, i) => tf.sum(tf.mul(constants[i]!, g.params.get(n)!)))) as tf.Scalar;
  };
  try {
    const res = tf.engine().gradients(inner, weights, undefined, true);
    res.value.dispose();
    return {
      g: new Map(names.map((n, i) => [n, constants[i]!])),
      hg: new Map(names.map((n, i) => [n, res.grads[i] ?? tf.zerosLike(weights[i]!)])),
      loss: value,
    };
  } catch (e) {
    tf.dispose(constants);
    throw e;
  }
}
