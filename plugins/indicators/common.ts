/**
 * Helpers shared by the indicators of this plugin: which parameters count as "conv/linear weights", the
 * loss on a labelled batch, and disposal of engine results. Every helper leaves no tensor behind except
 * the ones it returns.
 */
import {
  MstfError,
  type Batch,
  type GradientResult,
  type IndicatorContext,
  type IRNode,
  type Network,
  type ParamInfo,
  type TensorApi,
  type tf,
} from '../../core/index.js';

/** Layers the zero-cost-nas reference scores: nn.Conv2d (depthwise convs are grouped Conv2d) and nn.Linear. */
export const WEIGHTED_LAYERS: ReadonlySet<IRNode['op']> = new Set(['conv', 'depthwise', 'dense']);

/** The conv/depthwise/dense weight tensors (not biases), in the network's parameter order. */
export function layerWeights(net: Network): ParamInfo[] {
  return net.paramInfo.filter((p) => p.role === 'weight' && p.trainable && WEIGHTED_LAYERS.has(p.layer));
}

/** The batch of an indicator that reads data, or a clear error. */
export function requireBatch(ctx: IndicatorContext, indicator: string): Batch {
  if (!ctx.batch) throw new MstfError('INVALID_ARGUMENT', `indicator ${indicator} reads data: no batch was given`);
  return ctx.batch;
}

/** Dispose every tensor a Network.gradients call returned. */
export function disposeGradients(g: GradientResult): void {
  for (const t of g.params.values()) t.dispose();
  g.input?.dispose();
  for (const t of Object.values(g.probes)) t.dispose();
  for (const t of Object.values(g.taps)) t.dispose();
}

/**
 * One number per item, computed in one tidy and read back in one transfer: [f(i0), f(i1), ...] as float64.
 * Intermediate tensors of `f` are released.
 */
export function perItem<T>(tf: TensorApi, items: readonly T[], f: (item: T) => tf.Scalar): number[] {
  if (items.length === 0) return [];
  const stacked = tf.tidy(() => tf.stack(items.map((t) => f(t))));
  const values = Array.from(stacked.dataSync());
  stacked.dispose();
  return values;
}

export function sum(values: readonly number[]): number {
  let s = 0;
  for (const v of values) s += v;
  return s;
}
