import type * as tf from '@tensorflow/tfjs-core';
import type { ExtensionBase } from './extension.js';
import type { IRNode, NetworkIR } from '../ir/types.js';

/** Which parameter of which node. Names are `${nodeId}/${role}`. */
export interface ParamInfo {
  name: string;
  node: string;
  layer: IRNode['op'];
  role: 'weight' | 'bias' | 'gamma' | 'beta' | 'runningMean' | 'runningVar';
  shape: number[];
  trainable: boolean;
}

/**
 * Hooks run around each node in topological order during one forward pass (synflow's overflow-free
 * rescaling uses them). Numbers returned are constants for differentiation.
 */
export interface ForwardHooks {
  /** Rewrite a node's inputs before it runs (e.g. bring add/concat branches to a common scale). */
  beforeNode?: (node: IRNode, inputs: tf.Tensor[]) => tf.Tensor[];
  /** Rewrite a node's output (e.g. divide by a constant). */
  afterNode?: (node: IRNode, output: tf.Tensor) => tf.Tensor;
  /** Multiply a conv/dense/depthwise node's bias by this factor (default 1). */
  biasScale?: (node: IRNode) => number;
}

export interface ForwardOptions {
  /** Batchnorm uses batch statistics (and updates running statistics when `updateStats`) if true. */
  training?: boolean;
  updateStats?: boolean;
  /** Node ids whose outputs are returned in `taps`. */
  taps?: string[];
  /** Tensors added to a node's output (zeros: gradients w.r.t. activations without changing values). */
  probes?: Record<string, tf.Tensor>;
  /** Batchnorm nodes act as identity (synflow). */
  bypassBatchNorm?: boolean;
  /** Replace parameter values for this pass (abs for synflow, w +- eps v for finite differences). */
  params?: Map<string, tf.Tensor>;
  hooks?: ForwardHooks;
  /** Make the pass differentiable twice (batchnorm's backward traced), for exact Hessian-vector products. */
  secondOrder?: boolean;
}

export interface ForwardResult {
  /** [N, outputs] logits (the IR's output node). */
  output: tf.Tensor;
  taps: Record<string, tf.Tensor>;
}

export interface GradientRequest extends ForwardOptions {
  /** Parameter names to differentiate (default: every trainable parameter). */
  wrtParams?: string[];
  wrtInput?: boolean;
  /** Probe node ids to differentiate (their probes are created as zeros when not given). */
  wrtProbes?: string[];
}

export interface GradientResult {
  value: number;
  params: Map<string, tf.Tensor>;
  input?: tf.Tensor;
  probes: Record<string, tf.Tensor>;
  /** Tapped forward values of the same pass. */
  taps: Record<string, tf.Tensor>;
}

/** A compiled NetworkIR: a forward function over an explicit, named parameter map. */
export interface Network {
  readonly ir: NetworkIR;
  readonly paramInfo: readonly ParamInfo[];
  /** Current values, by ParamInfo.name (running statistics included, non-trainable). */
  readonly params: ReadonlyMap<string, tf.Variable>;
  forward(x: tf.Tensor, opts?: ForwardOptions): ForwardResult;
  /** Value and gradients of loss(forward(x)); every returned tensor belongs to the caller. */
  gradients(loss: (out: ForwardResult) => tf.Scalar, x: tf.Tensor, req?: GradientRequest): GradientResult;
  save(dir: string): Promise<void>;
  load(dir: string): Promise<void>;
  dispose(): void;
}

export interface CompileOptions {
  /** Seed of the PyTorch-default initialisation (kaiming-uniform a=sqrt(5) for conv/linear). */
  seed: number;
}

/** An engine turns IR into Networks on a tensor backend. Built-in: `tfjs`. */
export interface Engine extends ExtensionBase {
  readonly kind: 'engine';
  compile(ir: NetworkIR, opts: CompileOptions): Network;
}
