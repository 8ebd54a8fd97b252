/** Engine-level operations built on the Network API. */
import { tf } from './tf.js';
import { MstfError } from '../errors.js';
import type { ForwardResult, GradientRequest, Network } from '../contracts/engine.js';

export interface HvpOptions extends Omit<GradientRequest, 'wrtParams' | 'params' | 'wrtInput' | 'wrtProbes' | 'updateStats'> {
  /**
   * Finite-difference step. Default: 1e-3 * max(1, ||w||) / ||v|| over the parameters in v, so the
   * perturbation is 0.1% of the weights' size whatever v's scale.
   */
  eps?: number;
}

function norm(ts: tf.Tensor[]): number {
  return Math.sqrt(tf.tidy(() => tf.addN(ts.map((t) => tf.sum(tf.square(t))))).dataSync()[0]! || 0);
}

/**
 * Hessian-vector product H v of loss w.r.t. the parameters named in v, by central finite differences
 * (tfjs has no second derivative of convolutions, engine-notes trap 2):
 *   H v ~= (grad(w + eps v) - grad(w - eps v)) / (2 eps).
 * Running statistics are never updated. Every returned tensor belongs to the caller.
 */
export function hessianVectorProduct(
  net: Network,
  loss: (out: ForwardResult) => tf.Scalar,
  x: tf.Tensor,
  v: ReadonlyMap<string, tf.Tensor>,
  opts: HvpOptions = {},
): Map<string, tf.Tensor> {
  const names = [...v.keys()];
  if (names.length === 0) return new Map();
  const weights = names.map((n) => {
    const w = net.params.get(n);
    if (!w) throw new MstfError('INVALID_ARGUMENT', `parameter "${n}" is not a parameter of the network`);
    if (w.shape.join(',') !== v.get(n)!.shape.join(',')) {
      throw new MstfError('INVALID_ARGUMENT', `direction for "${n}" has shape [${v.get(n)!.shape}], the parameter [${w.shape}]`);
    }
    return w;
  });
  const vs = names.map((n) => v.get(n)!);
  let eps = opts.eps;
  if (eps === undefined) {
    const vn = norm(vs);
    if (vn === 0) return new Map(names.map((n, i) => [n, tf.zerosLike(weights[i]!)]));
    eps = (1e-3 * Math.max(1, norm(weights))) / vn;
  }
  const { eps: _eps, ...forward } = opts;
  const gradAt = (sign: 1 | -1): Map<string, tf.Tensor> => {
    const shifted = new Map(names.map((n, i) => [n, tf.tidy(() => tf.add(weights[i]!, tf.mul(vs[i]!, sign * eps!)))]));
    try {
      const g = net.gradients(loss, x, { ...forward, updateStats: false, params: shifted, wrtParams: names });
      tf.dispose(Object.values(g.taps));
      return g.params;
    } finally {
      tf.dispose([...shifted.values()]);
    }
  };
  const plus = gradAt(1);
  const minus = gradAt(-1);
  const out = new Map<string, tf.Tensor>();
  for (const n of names) {
    out.set(n, tf.tidy(() => tf.div(tf.sub(plus.get(n)!, minus.get(n)!), 2 * eps!)));
  }
  tf.dispose([...plus.values(), ...minus.values()]);
  return out;
}
