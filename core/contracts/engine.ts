/**
 * The engine contract: what core and the plugins need from the tensor library, so that none of them imports
 * it. Everything that builds or runs a network takes an Engine from the kernel's `engine` registry
 * (core/engine/select.ts `engineOf`; built in: `tfjs`, plugins/engine-tfjs) and calls its members.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { ExtensionBase } from './extension.js';
import type { Batch, TaskType } from './dataset.js';
import type { IRNode, NetworkIR } from '../ir/types.js';

/**
 * The tensor API an engine runs on: TensorFlow.js core's (types only here; the engine supplies the value, with
 * its kernels, gradients and backends registered). Its types are the `tf` namespace exported below.
 */
export type TensorApi = typeof import('@tensorflow/tfjs-core');
/** Tensor types (`tf.Tensor`, `tf.Scalar`, ...) for code that receives the tensor API from an engine. */
export type * as tf from '@tensorflow/tfjs-core';

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
  /** Write the batch statistics into the running statistics (PyTorch's momentum update). */
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
  /** One forward pass of x [N, H, W, C]; the result's tensors belong to the caller. */
  forward(x: tf.Tensor, opts?: ForwardOptions): ForwardResult;
  /** Value and gradients of loss(forward(x)); every returned tensor belongs to the caller. */
  gradients(loss: (out: ForwardResult) => tf.Scalar, x: tf.Tensor, req?: GradientRequest): GradientResult;
  /** Write the parameters (and the IR) to `dir`, in the engine's format. */
  save(dir: string): Promise<void>;
  /** Read parameters written by save(); every name and shape is checked before any is assigned. */
  load(dir: string): Promise<void>;
  /** Free every parameter. */
  dispose(): void;
}

export interface CompileOptions {
  /** Seed of the PyTorch-default initialisation (kaiming-uniform a=sqrt(5) for conv/linear). */
  seed: number;
}

/** The backend an engine runs on, and why it was chosen. */
export interface BackendDecision {
  name: string;
  /** One line: what was chosen and why. */
  reason: string;
  /** Backends tried before the chosen one (automatic choice only), with the reason each was skipped. */
  skipped: { name: string; why: string }[];
}

/** A backend whose memory is bounded: work past `bytes` is refused up front instead of aborting the process. */
export interface MemoryLimit {
  /** Bytes one pass may use (core/memory/estimate.ts: 'forward', 'backward', 'secondOrder'). */
  bytes: number;
  /** The bounded backend's name (for messages). */
  backend: string;
  /** Its heap in GiB (for messages). */
  heapGiB: number;
  /** An unbounded backend to suggest instead. */
  alternative: string;
}

/** A dataset Batch as tensors. */
export interface BatchTensors {
  /** [N, H, W, C] float32 images. */
  x: tf.Tensor4D;
  /** Multi-label: [N, classes] float32 multi-hot; otherwise [N] int32 class indices. */
  labels: tf.Tensor;
  /** Same tensor as `labels`. */
  y: tf.Tensor;
  /** Disposes x and labels. */
  dispose(): void;
}

/** torch.optim.Adam over a Network's trainable parameters; its state lives in engine variables. */
export interface AdamOptimizer {
  /** Learning rate of the next step. */
  lr: number;
  /** One update of every parameter named in `grads` (Network.params variables). */
  step(grads: ReadonlyMap<string, tf.Tensor>): void;
  /** Checkpoint support: the step count and the moments (`m:<param>`, `v:<param>`; not copies). */
  getState(): { t: number; tensors: Map<string, tf.Tensor> };
  /** Continue from getState() output; the values are copied. */
  setState(state: { t: number; tensors: ReadonlyMap<string, tf.Tensor> }): void;
  /** Frees the moment estimates. */
  dispose(): void;
}

/** Options of second-order products: a forward pass's options, less what the product itself sets. */
export type HvpOptions = Omit<
  GradientRequest,
  'wrtParams' | 'params' | 'wrtInput' | 'wrtProbes' | 'updateStats' | 'secondOrder'
>;

/**
 * An engine turns IR into Networks on a tensor backend and supplies the tensor operations around them
 * (losses, Adam, second-order products). Built-in: `tfjs`. Chosen by Settings.engine (`--engine`).
 */
export interface Engine extends ExtensionBase {
  readonly kind: 'engine';
  /** The tensor API networks, indicators and the trainer compute with. */
  readonly tf: TensorApi;
  /** Which backend a choice (`--backend`; undefined: automatic) names, without starting it; throws when unavailable. */
  resolveBackend(choice?: string): BackendDecision;
  /** Start that backend (idempotent per process and choice); call before compiling. */
  ready(choice?: string): Promise<BackendDecision>;
  /** The memory bound of a backend (by name), or undefined when it has none worth checking. */
  memoryLimit(backend: string): MemoryLimit | undefined;
  /** Validate the IR and build a Network with seeded PyTorch-default initial parameters. */
  compile(ir: NetworkIR, opts: CompileOptions): Network;
  /** A dataset batch as tensors (images and labels); the caller disposes them. */
  batchTensors(batch: Batch): BatchTensors;
  /** The task's loss on logits, a batch mean: softmax cross-entropy, or BCE with logits for multi-label. */
  taskLoss(task: TaskType, logits: tf.Tensor, labels: tf.Tensor): tf.Scalar;
  /** The same loss, differentiable twice (for Hessian products). */
  taskLossTwice(task: TaskType, logits: tf.Tensor, labels: tf.Tensor): tf.Scalar;
  /** torch.optim.Adam (defaults: lr 1e-3, betas 0.9 / 0.999, eps 1e-8, no weight decay). */
  adam(
    net: Network,
    opts?: { lr?: number; beta1?: number; beta2?: number; eps?: number; weightDecay?: number },
  ): AdamOptimizer;
  /** Exact H v of loss(net(x)) w.r.t. the parameters named in v, by double backpropagation. */
  hessianVectorProduct(
    net: Network,
    loss: (out: ForwardResult) => tf.Scalar,
    x: tf.Tensor,
    v: ReadonlyMap<string, tf.Tensor>,
    opts?: HvpOptions,
  ): { hv: Map<string, tf.Tensor>; loss: number };
  /** g = dL/dw and H g (g held constant) for the named parameters: GraSP's two products in one pass. */
  gradientAndHessianGradient(
    net: Network,
    loss: (out: ForwardResult) => tf.Scalar,
    x: tf.Tensor,
    names: string[],
    opts?: HvpOptions,
  ): { g: Map<string, tf.Tensor>; hg: Map<string, tf.Tensor>; loss: number };
  /** Read a float32 tensor's values on the host without a copy where the backend allows (valid inside `f` only). */
  withHostValues<T>(t: tf.Tensor, f: (values: Float32Array) => T): T;
}
