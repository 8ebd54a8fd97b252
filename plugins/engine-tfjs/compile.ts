/**
 * Compile a NetworkIR into a Network: a forward function over an explicit, named parameter map
 * (`${nodeId}/${role}`), with activation taps, additive probes, parameter overrides, hooks, gradients,
 * train/eval batchnorm, tfjs-format save/load.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { tf } from './tf.js';
import {
  batchNormEval,
  batchNormTrain,
  conv2d,
  depthwiseConv2d,
  globalAvgPool,
  pool2d,
  type BatchStats,
} from './layers.js';
import { batchNormTrainTwice } from './second-order.js';
import {
  BN_EPS,
  BN_MOMENTUM,
  MstfError,
  Rng,
  hasBias,
  inferShapes,
  type CompileOptions,
  type FeatureShape,
  type ForwardOptions,
  type ForwardResult,
  type GradientRequest,
  type GradientResult,
  type IRNode,
  type Network,
  type NetworkIR,
  type NodeShape,
  type ParamInfo,
} from '../../core/index.js';

const WEIGHTS_FILE = 'weights.bin';
const MANIFEST_FILE = 'model.json';

type Role = ParamInfo['role'];

interface PendingStats extends BatchStats {
  node: string;
  momentum: number;
  /** Elements per channel (N*H*W): the running variance is unbiased, as PyTorch's. */
  count: number;
}

/** Weight shape in tfjs layout and its fan-in (PyTorch's `_calculate_fan_in_and_fan_out`). */
function weightShape(node: IRNode, inShape: NodeShape): { shape: number[]; fanIn: number; out: number } | undefined {
  switch (node.op) {
    case 'conv': {
      const ci = (inShape as FeatureShape)[2];
      const [kh, kw] = node.kernel;
      return { shape: [kh, kw, ci, node.filters], fanIn: kh * kw * ci, out: node.filters };
    }
    case 'depthwise': {
      const c = (inShape as FeatureShape)[2];
      const m = node.multiplier ?? 1;
      const [kh, kw] = node.kernel;
      // PyTorch weight [C*m, 1, kh, kw]: fan_in = kh*kw.
      return { shape: [kh, kw, c, m], fanIn: kh * kw, out: c * m };
    }
    case 'dense': {
      const inputs = inShape[0];
      return { shape: [inputs, node.units], fanIn: inputs, out: node.units };
    }
    default:
      return undefined;
  }
}

/**
 * On wasm a new tensor's values are copied into the module's heap at once, so one scratch array serves every
 * parameter (a fresh multi-MB array per weight costs page faults: most of a C0 = 128 network's init). Other
 * backends may keep the array they are given: a fresh one there.
 */
let scratch = new Float32Array(0);

function uniformTensor(rng: Rng, shape: number[], bound: number): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  let values: Float32Array;
  if (tf.getBackend() === 'wasm') {
    if (scratch.length < size) scratch = new Float32Array(Math.max(size, 2 * scratch.length));
    values = scratch.subarray(0, size);
  } else {
    values = new Float32Array(size);
  }
  for (let i = 0; i < size; i++) values[i] = (2 * rng.next() - 1) * bound;
  return tf.tensor(values, shape, 'float32');
}

class CompiledNetwork implements Network {
  readonly paramInfo: readonly ParamInfo[];
  readonly params: ReadonlyMap<string, tf.Variable>;
  private readonly shapes: Map<string, NodeShape>;
  private readonly inputShape: FeatureShape;
  private disposed = false;

  constructor(
    readonly ir: NetworkIR,
    opts: CompileOptions,
  ) {
    this.shapes = inferShapes(ir);
    this.inputShape = this.shapes.get(ir.nodes[0]!.id) as FeatureShape;
    const rng = new Rng(opts.seed);
    const info: ParamInfo[] = [];
    const params = new Map<string, tf.Variable>();
    const add = (node: IRNode, role: Role, value: tf.Tensor, trainable: boolean): void => {
      const name = `${node.id}/${role}`;
      // Unnamed tfjs variables: names are global in tfjs and several networks may coexist.
      params.set(name, tf.variable(value, trainable));
      value.dispose();
      info.push({ name, node: node.id, layer: node.op, role, shape: value.shape.slice(), trainable });
    };
    for (const node of ir.nodes) {
      const inShape = node.inputs.length > 0 ? this.shapes.get(node.inputs[0]!)! : undefined;
      const w = inShape ? weightShape(node, inShape) : undefined;
      if (w) {
        // kaiming_uniform(a=sqrt(5)) => U(-1/sqrt(fan_in), 1/sqrt(fan_in)); bias the same bound.
        const bound = 1 / Math.sqrt(w.fanIn);
        add(node, 'weight', uniformTensor(rng, w.shape, bound), true);
        if (hasBias(node)) add(node, 'bias', uniformTensor(rng, [w.out], bound), true);
      }
      if (node.op === 'batchnorm') {
        const c = (this.shapes.get(node.id) as FeatureShape)[2];
        if (node.affine !== false) {
          add(node, 'gamma', tf.ones([c]), true);
          add(node, 'beta', tf.zeros([c]), true);
        }
        add(node, 'runningMean', tf.zeros([c]), false);
        add(node, 'runningVar', tf.ones([c]), false);
      }
    }
    this.paramInfo = info;
    this.params = params;
  }

  private checkAlive(): void {
    if (this.disposed) throw new MstfError('INVALID_ARGUMENT', 'network was disposed');
  }

  private checkInput(x: tf.Tensor): void {
    const [h, w, c] = this.inputShape;
    if (x.rank !== 4 || x.shape[1] !== h || x.shape[2] !== w || x.shape[3] !== c) {
      throw new MstfError(
        'INVALID_ARGUMENT',
        `input must have shape [N, ${h}, ${w}, ${c}], got [${x.shape.join(', ')}]`,
      );
    }
  }

  /** One forward pass (no tidy: callers wrap it). Batch statistics to record go into `pending`. */
  private run(x: tf.Tensor, opts: ForwardOptions, pending: PendingStats[]): ForwardResult {
    const values = new Map<string, tf.Tensor>();
    const taps: Record<string, tf.Tensor> = {};
    const tapSet = new Set(opts.taps ?? []);
    for (const id of tapSet) {
      if (!this.shapes.has(id)) throw new MstfError('INVALID_ARGUMENT', `tap "${id}" is not a node of the network`);
    }
    for (const id of Object.keys(opts.probes ?? {})) {
      if (!this.shapes.has(id)) throw new MstfError('INVALID_ARGUMENT', `probe "${id}" is not a node of the network`);
    }
    const param = (node: IRNode, role: Role): tf.Tensor => {
      const name = `${node.id}/${role}`;
      const v = opts.params?.get(name) ?? this.params.get(name);
      if (!v) throw new MstfError('INTERNAL', `parameter "${name}" is missing`);
      return v;
    };
    const withBias = (node: IRNode, y: tf.Tensor): tf.Tensor => {
      if (!hasBias(node)) return y;
      const scale = opts.hooks?.biasScale?.(node) ?? 1;
      const b = param(node, 'bias');
      return tf.add(y, scale === 1 ? b : tf.mul(b, scale));
    };
    for (const node of this.ir.nodes) {
      let ins = node.inputs.map((id) => values.get(id)!);
      if (opts.hooks?.beforeNode && node.op !== 'input') ins = opts.hooks.beforeNode(node, ins);
      let out = this.apply(node, ins, x, opts, param, withBias, pending);
      if (opts.hooks?.afterNode) out = opts.hooks.afterNode(node, out);
      const probe = opts.probes?.[node.id];
      if (probe) out = tf.add(out, probe);
      values.set(node.id, out);
      if (tapSet.has(node.id)) taps[node.id] = out;
    }
    return { output: values.get(this.ir.output)!, taps };
  }

  private apply(
    node: IRNode,
    ins: tf.Tensor[],
    x: tf.Tensor,
    opts: ForwardOptions,
    param: (node: IRNode, role: Role) => tf.Tensor,
    withBias: (node: IRNode, y: tf.Tensor) => tf.Tensor,
    pending: PendingStats[],
  ): tf.Tensor {
    const in0 = ins[0] as tf.Tensor4D;
    switch (node.op) {
      case 'input':
        return x;
      case 'conv':
        return withBias(
          node,
          conv2d(in0, param(node, 'weight') as tf.Tensor4D, node.stride, node.padding, node.dilation ?? 1),
        );
      case 'depthwise':
        return withBias(
          node,
          depthwiseConv2d(in0, param(node, 'weight') as tf.Tensor4D, node.stride, node.padding, node.dilation ?? 1),
        );
      case 'pool':
        return pool2d(in0, node.mode, node.window, node.stride, node.padding);
      case 'batchnorm': {
        if (opts.bypassBatchNorm) return in0;
        const c = in0.shape[3];
        const eps = node.eps ?? BN_EPS;
        const affine = node.affine !== false;
        const gamma = (affine ? param(node, 'gamma') : tf.ones([c])) as tf.Tensor1D;
        const beta = (affine ? param(node, 'beta') : tf.zeros([c])) as tf.Tensor1D;
        if (opts.training) {
          const record = opts.updateStats
            ? (s: BatchStats) =>
                pending.push({ ...s, node: node.id, momentum: node.momentum ?? BN_MOMENTUM, count: in0.size / c })
            : undefined;
          return (opts.secondOrder ? batchNormTrainTwice : batchNormTrain)(in0, gamma, beta, eps, record);
        }
        return batchNormEval(
          in0,
          gamma,
          beta,
          param(node, 'runningMean') as tf.Tensor1D,
          param(node, 'runningVar') as tf.Tensor1D,
          eps,
        );
      }
      case 'relu':
        return tf.relu(in0);
      case 'identity':
        return in0;
      case 'concat':
        return ins.length === 1 ? in0 : tf.concat(ins, ins[0]!.rank - 1);
      case 'add':
        return ins.length === 1 ? in0 : ins.length === 2 ? tf.add(ins[0]!, ins[1]!) : tf.addN(ins);
      case 'zero': {
        const shape = this.shapes.get(node.id)!;
        return tf.fill([in0.shape[0], ...shape], 0);
      }
      case 'gap':
        return globalAvgPool(in0);
      case 'dense':
        return withBias(node, tf.matMul(ins[0] as tf.Tensor2D, param(node, 'weight') as tf.Tensor2D));
    }
  }

  /** PyTorch's running-statistics update: r = (1 - m) r + m * batch (variance unbiased). */
  private applyStats(pending: PendingStats[]): void {
    for (const s of pending) {
      tf.tidy(() => {
        const rm = this.params.get(`${s.node}/runningMean`)!;
        const rv = this.params.get(`${s.node}/runningVar`)!;
        const unbiased = s.count > 1 ? tf.mul(s.variance, s.count / (s.count - 1)) : s.variance;
        rm.assign(tf.add(tf.mul(rm, 1 - s.momentum), tf.mul(s.mean, s.momentum)));
        rv.assign(tf.add(tf.mul(rv, 1 - s.momentum), tf.mul(unbiased, s.momentum)));
      });
      s.mean.dispose();
      s.variance.dispose();
    }
    pending.length = 0;
  }

  forward(x: tf.Tensor, opts: ForwardOptions = {}): ForwardResult {
    this.checkAlive();
    this.checkInput(x);
    const pending: PendingStats[] = [];
    try {
      const result = tf.tidy(() => {
        const r = this.run(x, opts, pending);
        return { output: r.output, taps: r.taps };
      });
      this.applyStats(pending);
      return result as ForwardResult;
    } catch (e) {
      for (const s of pending) tf.dispose([s.mean, s.variance]);
      throw e;
    }
  }

  gradients(loss: (out: ForwardResult) => tf.Scalar, x: tf.Tensor, req: GradientRequest = {}): GradientResult {
    this.checkAlive();
    this.checkInput(x);
    const names = req.wrtParams ?? this.paramInfo.filter((p) => p.trainable).map((p) => p.name);
    for (const n of names) {
      if (!this.params.has(n))
        throw new MstfError('INVALID_ARGUMENT', `parameter "${n}" is not a parameter of the network`);
    }
    const probeIds = req.wrtProbes ?? [];
    const batch = x.shape[0];
    const created: tf.Tensor[] = [];
    const probeTensors = probeIds.map((id) => {
      const shape = this.shapes.get(id);
      if (!shape) throw new MstfError('INVALID_ARGUMENT', `probe "${id}" is not a node of the network`);
      const given = req.probes?.[id];
      if (given) return given;
      const z = tf.zeros([batch, ...shape]);
      created.push(z);
      return z;
    });
    const xs: tf.Tensor[] = [
      ...names.map((n) => req.params?.get(n) ?? this.params.get(n)!),
      ...(req.wrtInput ? [x] : []),
      ...probeTensors,
    ];
    const pending: PendingStats[] = [];
    let taps: Record<string, tf.Tensor> = {};
    const f = (): tf.Scalar => {
      const override = new Map(req.params ?? []);
      names.forEach((n, i) => {
        override.set(n, xs[i]!);
      });
      const probes: Record<string, tf.Tensor> = { ...(req.probes ?? {}) };
      probeIds.forEach((id, i) => {
        probes[id] = probeTensors[i]!;
      });
      const r = this.run(x, { ...req, params: override, probes }, pending);
      const value = loss(r);
      taps = Object.fromEntries(Object.entries(r.taps).map(([k, t]) => [k, tf.keep(t.clone())]));
      return value;
    };
    try {
      let value: tf.Scalar;
      let grads: (tf.Tensor | undefined)[] = [];
      if (xs.length === 0) {
        value = tf.tidy(f);
      } else {
        const res = tf.engine().gradients(f, xs, undefined, true);
        value = res.value as tf.Scalar;
        // Unreached inputs (e.g. batchnorm parameters under bypassBatchNorm) get zero gradients.
        grads = res.grads.map((g, i) => g ?? tf.zerosLike(xs[i]!));
      }
      this.applyStats(pending);
      const result: GradientResult = { value: value.dataSync()[0]!, params: new Map(), probes: {}, taps };
      value.dispose();
      names.forEach((n, i) => {
        result.params.set(n, grads[i]!);
      });
      let k = names.length;
      if (req.wrtInput) result.input = grads[k++];
      probeIds.forEach((id) => {
        result.probes[id] = grads[k++]!;
      });
      return result;
    } catch (e) {
      for (const s of pending) tf.dispose([s.mean, s.variance]);
      tf.dispose(Object.values(taps));
      throw e;
    } finally {
      tf.dispose(created);
    }
  }

  async save(dir: string): Promise<void> {
    this.checkAlive();
    const named = this.paramInfo.map((p) => ({ name: p.name, tensor: this.params.get(p.name)! as tf.Tensor }));
    const { data, specs } = await tf.io.encodeWeights(named);
    await fs.mkdir(dir, { recursive: true });
    const manifest = {
      format: 'mstf-network',
      generatedBy: `TensorFlow.js tfjs-core v${tf.version_core}`,
      modelTopology: this.ir,
      weightsManifest: [{ paths: [WEIGHTS_FILE], weights: specs }],
    };
    await fs.writeFile(path.join(dir, WEIGHTS_FILE), new Uint8Array(data));
    await fs.writeFile(path.join(dir, MANIFEST_FILE), JSON.stringify(manifest));
  }

  async load(dir: string): Promise<void> {
    this.checkAlive();
    const manifestPath = path.join(dir, MANIFEST_FILE);
    let manifest: { weightsManifest?: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[] };
    try {
      manifest = JSON.parse(await fs.readFile(manifestPath, 'utf8'));
    } catch (e) {
      throw new MstfError('NOT_FOUND', `cannot read weights manifest ${manifestPath}: ${(e as Error).message}`, {
        cause: e,
      });
    }
    if (!Array.isArray(manifest.weightsManifest)) {
      throw new MstfError('DATA_CORRUPT', `${manifestPath}: no weightsManifest`);
    }
    const decoded: tf.NamedTensorMap = {};
    try {
      for (const group of manifest.weightsManifest) {
        const buffers = await Promise.all(group.paths.map((p) => fs.readFile(path.join(dir, p))));
        const joined = Buffer.concat(buffers);
        const ab = joined.buffer.slice(joined.byteOffset, joined.byteOffset + joined.byteLength);
        Object.assign(decoded, tf.io.decodeWeights(ab, group.weights));
      }
      // All-or-nothing: check every parameter before assigning any.
      for (const p of this.paramInfo) {
        const t = decoded[p.name];
        if (!t) throw new MstfError('DATA_CORRUPT', `${dir}: weights lack parameter "${p.name}"`);
        if (t.shape.join(',') !== p.shape.join(',')) {
          throw new MstfError(
            'DATA_CORRUPT',
            `${dir}: parameter "${p.name}" has shape [${t.shape}], the network needs [${p.shape}]`,
          );
        }
      }
      for (const p of this.paramInfo) this.params.get(p.name)!.assign(decoded[p.name]!);
    } catch (e) {
      if (e instanceof MstfError) throw e;
      throw new MstfError('DATA_CORRUPT', `cannot load weights from ${dir}: ${(e as Error).message}`, { cause: e });
    } finally {
      tf.dispose(Object.values(decoded));
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const v of this.params.values()) v.dispose();
  }
}

/** Validate the IR and build a Network with seeded PyTorch-default initial parameters. */
export function compileNetwork(ir: NetworkIR, opts: CompileOptions): Network {
  return new CompiledNetwork(ir, opts);
}
