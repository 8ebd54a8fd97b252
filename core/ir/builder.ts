/**
 * IRBuilder: appends NetworkIR nodes in topological order, one method per op. Every method takes the
 * node's id and input id(s) and returns the new node's id, so calls chain as `x = b.relu('r1', x, tag)`.
 * Ids, `group` and `label` are the caller's (each space and model has its own naming); attributes left
 * undefined are not written, so the engine's defaults apply (e.g. no `bias` key: bias-free conv).
 */
import type { FeatureShape, IRNode, NetworkIR, Padding, PoolNode } from './types.js';

/** Free text for humans and drawings; never changes the computation. */
export interface NodeTag {
  group?: string;
  label?: string;
}

export interface ConvSpec {
  filters: number;
  /** k for a square kernel, or [kh, kw] (e.g. [1, 7]). */
  kernel: number | [number, number];
  stride: number;
  padding: Padding;
  dilation?: number;
  bias?: boolean;
}

export interface DepthwiseSpec {
  kernel: number | [number, number];
  stride: number;
  padding: Padding;
  dilation?: number;
}

export type PoolSpec = Pick<PoolNode, 'mode' | 'window' | 'stride' | 'padding'>;

const kernelOf = (k: number | [number, number]): [number, number] => (typeof k === 'number' ? [k, k] : [k[0], k[1]]);

/** The given fields without the undefined ones (so optional attributes stay absent, not `undefined`). */
function defined<T extends object>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export class IRBuilder {
  readonly nodes: IRNode[] = [];

  /** Append a node as given (for ops without a helper); returns its id. */
  push(node: IRNode): string {
    this.nodes.push(node);
    return node.id;
  }

  input(id: string, shape: FeatureShape, tag: NodeTag = {}): string {
    return this.push({ id, op: 'input', inputs: [], shape, ...defined(tag) });
  }

  conv(id: string, from: string, spec: ConvSpec, tag: NodeTag = {}): string {
    const { filters, kernel, stride, padding, dilation, bias } = spec;
    return this.push({
      id,
      op: 'conv',
      inputs: [from],
      filters,
      kernel: kernelOf(kernel),
      stride,
      padding,
      ...defined({ dilation, bias }),
      ...defined(tag),
    });
  }

  depthwise(id: string, from: string, spec: DepthwiseSpec, tag: NodeTag = {}): string {
    const { kernel, stride, padding, dilation } = spec;
    return this.push({
      id,
      op: 'depthwise',
      inputs: [from],
      kernel: kernelOf(kernel),
      stride,
      padding,
      ...defined({ dilation }),
      ...defined(tag),
    });
  }

  bn(id: string, from: string, tag: NodeTag = {}): string {
    return this.push({ id, op: 'batchnorm', inputs: [from], ...defined(tag) });
  }

  relu(id: string, from: string, tag: NodeTag = {}): string {
    return this.push({ id, op: 'relu', inputs: [from], ...defined(tag) });
  }

  pool(id: string, from: string, spec: PoolSpec, tag: NodeTag = {}): string {
    const { mode, window, stride, padding } = spec;
    return this.push({ id, op: 'pool', inputs: [from], mode, window, stride, padding, ...defined(tag) });
  }

  /** Element-wise sum. */
  add(id: string, inputs: string[], tag: NodeTag = {}): string {
    return this.push({ id, op: 'add', inputs: [...inputs], ...defined(tag) });
  }

  /** Channel concatenation. */
  concat(id: string, inputs: string[], tag: NodeTag = {}): string {
    return this.push({ id, op: 'concat', inputs: [...inputs], ...defined(tag) });
  }

  zero(id: string, from: string, tag: NodeTag = {}): string {
    return this.push({ id, op: 'zero', inputs: [from], ...defined(tag) });
  }

  identity(id: string, from: string, tag: NodeTag = {}): string {
    return this.push({ id, op: 'identity', inputs: [from], ...defined(tag) });
  }

  /** Global average pooling. */
  gap(id: string, from: string, tag: NodeTag = {}): string {
    return this.push({ id, op: 'gap', inputs: [from], ...defined(tag) });
  }

  dense(id: string, from: string, units: number, bias: boolean, tag: NodeTag = {}): string {
    return this.push({ id, op: 'dense', inputs: [from], units, bias, ...defined(tag) });
  }

  /**
   * ReLU - conv - BN, the pre-activation unit of DARTS-style cells, with ids `${prefix}_relu`,
   * `${prefix}_conv`, `${prefix}_bn` and one tag on all three.
   */
  reluConvBn(prefix: string, from: string, spec: ConvSpec, tag: NodeTag = {}): string {
    const r = this.relu(`${prefix}_relu`, from, tag);
    const c = this.conv(`${prefix}_conv`, r, spec, tag);
    return this.bn(`${prefix}_bn`, c, tag);
  }

  /** The network with `output` as its output node. */
  build(output: string, meta?: Record<string, unknown>): NetworkIR {
    return { nodes: this.nodes, output, ...(meta !== undefined ? { meta } : {}) };
  }
}
