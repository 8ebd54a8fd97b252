/**
 * NetworkIR: the phenotype. A small typed DAG of nodes in topological order (every input id appears
 * before the node that uses it). Shapes are per example, NHWC without the batch axis: feature maps are
 * [H, W, C], vectors (after `gap`) are [C]. Search spaces produce IR; the engine compiles it; FLOPs,
 * parameter counts and drawings are computed from it.
 *
 * `group` (e.g. "block1/normal/node2") and `label` (e.g. "sep 3x3") are free text for humans and
 * drawings; they never change the computation.
 */
export type FeatureShape = [number, number, number];
export type VectorShape = [number];
export type NodeShape = FeatureShape | VectorShape;

/** 'same' / 'valid' as in TensorFlow, or an explicit symmetric zero padding (PyTorch style). */
export type Padding = 'same' | 'valid' | number;

interface NodeBase {
  id: string;
  inputs: string[];
  group?: string;
  label?: string;
}

export interface InputNode extends NodeBase {
  op: 'input';
  shape: FeatureShape;
}
/** Dense 2-D convolution, optionally rectangular (7x1, 1x7) and dilated. */
export interface ConvNode extends NodeBase {
  op: 'conv';
  filters: number;
  kernel: [number, number];
  stride: number;
  padding: Padding;
  dilation?: number;
  /** Default false (convs are followed by batchnorm in every mstf space). */
  bias?: boolean;
}
/** Depthwise convolution (channel multiplier 1 unless given). Separable conv = depthwise + 1x1 conv. */
export interface DepthwiseNode extends NodeBase {
  op: 'depthwise';
  kernel: [number, number];
  stride: number;
  padding: Padding;
  dilation?: number;
  multiplier?: number;
  /** Default false. */
  bias?: boolean;
}
export interface PoolNode extends NodeBase {
  op: 'pool';
  mode: 'max' | 'avg';
  window: number;
  stride: number;
  padding: Padding;
}
/** Batch normalisation over channels; affine (gamma, beta) unless affine === false. */
export interface BatchNormNode extends NodeBase {
  op: 'batchnorm';
  affine?: boolean;
  /** Default BN_EPS. */
  eps?: number;
  /** Default BN_MOMENTUM. */
  momentum?: number;
}
/** A batchnorm node's eps and momentum when it names none: PyTorch's defaults (every engine and exporter). */
export const BN_EPS = 1e-5;
export const BN_MOMENTUM = 0.1;
export interface ReluNode extends NodeBase {
  op: 'relu';
}
/** Channel concatenation of inputs with equal H, W. */
export interface ConcatNode extends NodeBase {
  op: 'concat';
}
/** Element-wise sum of inputs with equal shapes. */
export interface AddNode extends NodeBase {
  op: 'add';
}
/** Outputs zeros of the input's shape (the "none"/"zero" op); `stride` 2 halves H, W like a strided op. */
export interface ZeroNode extends NodeBase {
  op: 'zero';
  stride?: number;
}
export interface IdentityNode extends NodeBase {
  op: 'identity';
}
/** Global average pooling: [H, W, C] -> [C]. */
export interface GapNode extends NodeBase {
  op: 'gap';
}
export interface DenseNode extends NodeBase {
  op: 'dense';
  units: number;
  /** Default true (nn.Linear). */
  bias?: boolean;
}

export type IRNode =
  | InputNode
  | ConvNode
  | DepthwiseNode
  | PoolNode
  | BatchNormNode
  | ReluNode
  | ConcatNode
  | AddNode
  | ZeroNode
  | IdentityNode
  | GapNode
  | DenseNode;

export type IROp = IRNode['op'];

export interface NetworkIR {
  /** Exactly one node has op 'input'; it is nodes[0]. */
  nodes: IRNode[];
  /** Id of the node whose output is the network's output (normally a dense layer: [classes]). */
  output: string;
  /** Free metadata for drawings and reports (space id, genotype, channel plan...). */
  meta?: Record<string, unknown>;
}
