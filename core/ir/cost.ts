/**
 * FLOPs and parameter counts computed analytically from the IR.
 *
 * FLOPs are multiply-accumulates (MACs) per example:
 *   conv       Ho * Wo * Co * kh * kw * Ci / groups   (groups = 1)
 *   depthwise  Ho * Wo * (C * multiplier) * kh * kw    (a conv with groups = C)
 *   dense      in * units
 * Bias additions, batchnorm, relu, pools, add, concat, zero, identity and gap count 0: they are linear in
 * the activations and small next to the convolutions; min-max normalised FLOPs (Eq. 5) do not depend on them.
 *
 * Parameters are what PyTorch counts as nn.Parameters: conv/depthwise/dense weights and biases, batchnorm
 * gamma and beta when affine (default). Running mean/var are buffers, not parameters. This matches the
 * `params_M` that NAS-Bench-201 publishes.
 */
import { inferShapes } from './shapes.js';
import type { FeatureShape, IRNode, NetworkIR, NodeShape } from './types.js';

export interface LayerCost {
  node: string;
  op: IRNode['op'];
  label?: string;
  group?: string;
  outShape: NodeShape;
  /** Multiply-accumulates per example. */
  flops: number;
  params: number;
}

/** Default of `bias` when a node does not say: false for conv/depthwise (followed by BN), true for dense (nn.Linear). */
export function hasBias(node: IRNode): boolean {
  if (node.op === 'conv' || node.op === 'depthwise') return node.bias ?? false;
  if (node.op === 'dense') return node.bias ?? true;
  return false;
}

/** One row per node (input included, with 0 cost), in the IR's order. */
export function layerCosts(ir: NetworkIR): LayerCost[] {
  const shapes = inferShapes(ir);
  return ir.nodes.map((node) => {
    const out = shapes.get(node.id)!;
    const inShape = node.inputs.length > 0 ? shapes.get(node.inputs[0]!)! : undefined;
    let flops = 0;
    let params = 0;
    const bias = hasBias(node);
    switch (node.op) {
      case 'conv': {
        const [ho, wo, co] = out as FeatureShape;
        const ci = (inShape as FeatureShape)[2];
        const [kh, kw] = node.kernel;
        flops = ho * wo * co * kh * kw * ci;
        params = kh * kw * ci * co + (bias ? co : 0);
        break;
      }
      case 'depthwise': {
        const [ho, wo, co] = out as FeatureShape;
        const [kh, kw] = node.kernel;
        flops = ho * wo * co * kh * kw;
        params = kh * kw * co + (bias ? co : 0);
        break;
      }
      case 'dense': {
        const units = out[0];
        const inputs = (inShape as NodeShape)[0];
        flops = inputs * units;
        params = inputs * units + (bias ? units : 0);
        break;
      }
      case 'batchnorm': {
        const channels = (out as FeatureShape)[2];
        params = node.affine === false ? 0 : 2 * channels;
        break;
      }
      default:
        break;
    }
    const row: LayerCost = { node: node.id, op: node.op, outShape: out, flops, params };
    if (node.label !== undefined) row.label = node.label;
    if (node.group !== undefined) row.group = node.group;
    return row;
  });
}

/** Totals of layerCosts: MACs per example and parameter count. */
export function networkCost(ir: NetworkIR): { flops: number; params: number } {
  let flops = 0;
  let params = 0;
  for (const l of layerCosts(ir)) {
    flops += l.flops;
    params += l.params;
  }
  return { flops, params };
}
