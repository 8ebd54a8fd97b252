/**
 * Indicator helpers of the plugin kit that need no tensor API: read a compiled network's parameters as
 * plain numbers, so an out-of-tree indicator can be written in plain JavaScript.
 */
import type { Network, ParamInfo } from '../contracts/engine.js';

export interface ParameterValues {
  info: ParamInfo;
  /** A copy of the parameter's current values, row-major in `info.shape`. */
  values: Float32Array;
}

/**
 * The network's parameters as host arrays, in `net.paramInfo` order. Default: the trainable weights
 * (role `weight` of conv, depthwise and dense nodes), the tensors the training-free indicators score.
 */
export function parameterValues(
  net: Pick<Network, 'paramInfo' | 'params'>,
  keep: (info: ParamInfo) => boolean = (p) => p.role === 'weight' && p.trainable,
): ParameterValues[] {
  const out: ParameterValues[] = [];
  for (const info of net.paramInfo) {
    if (!keep(info)) continue;
    const v = net.params.get(info.name);
    if (!v) continue;
    out.push({ info, values: Float32Array.from(v.dataSync() as Float32Array) });
  }
  return out;
}
