/**
 * Optimizers over a Network's trainable parameters (PyTorch's update rules), a multi-step learning-rate
 * schedule, and one training step. Optimizer state lives in tfjs variables: dispose() frees it.
 */
import { tf } from './tf.js';
import { MstfError, type ForwardResult, type Network } from '../../core/index.js';

export interface Optimizer {
  /** Learning rate used by the next step (a schedule may change it). */
  lr: number;
  /** One update of every parameter named in `grads` (Network.params variables). */
  step(grads: ReadonlyMap<string, tf.Tensor>): void;
  dispose(): void;
}

function variableOf(net: Network, name: string): tf.Variable {
  const v = net.params.get(name);
  if (!v) throw new MstfError('INVALID_ARGUMENT', `parameter "${name}" is not a parameter of the network`);
  if (!v.trainable) throw new MstfError('INVALID_ARGUMENT', `parameter "${name}" is not trainable`);
  return v;
}

function slot(store: Map<string, tf.Variable>, name: string, like: tf.Tensor): tf.Variable {
  let s = store.get(name);
  if (!s) {
    s = tf.variable(tf.zerosLike(like), false);
    store.set(name, s);
  }
  return s;
}

export interface AdamOptions {
  lr?: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  /** L2 penalty added to the gradient (torch.optim.Adam's weight_decay). */
  weightDecay?: number;
}

/** torch.optim.Adam: m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2; p -= lr m^ / (sqrt(v^) + eps). */
export class Adam implements Optimizer {
  lr: number;
  private t = 0;
  private readonly m = new Map<string, tf.Variable>();
  private readonly v = new Map<string, tf.Variable>();
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly eps: number;
  private readonly weightDecay: number;

  constructor(
    private readonly net: Network,
    opts: AdamOptions = {},
  ) {
    this.lr = opts.lr ?? 1e-3;
    this.beta1 = opts.beta1 ?? 0.9;
    this.beta2 = opts.beta2 ?? 0.999;
    this.eps = opts.eps ?? 1e-8;
    this.weightDecay = opts.weightDecay ?? 0;
  }

  step(grads: ReadonlyMap<string, tf.Tensor>): void {
    this.t++;
    const c1 = 1 - this.beta1 ** this.t;
    const c2 = 1 - this.beta2 ** this.t;
    for (const [name, g0] of grads) {
      const p = variableOf(this.net, name);
      tf.tidy(() => {
        const g = this.weightDecay ? tf.add(g0, tf.mul(p, this.weightDecay)) : g0;
        const m = slot(this.m, name, p);
        const v = slot(this.v, name, p);
        m.assign(tf.add(tf.mul(m, this.beta1), tf.mul(g, 1 - this.beta1)));
        v.assign(tf.add(tf.mul(v, this.beta2), tf.mul(tf.square(g), 1 - this.beta2)));
        const denom = tf.add(tf.sqrt(tf.div(v, c2)), this.eps);
        p.assign(tf.sub(p, tf.div(tf.mul(m, this.lr / c1), denom)));
      });
    }
  }

  /** Checkpoint support: the step count and the moment estimates (`m:<param>`, `v:<param>`; not copies). */
  getState(): { t: number; tensors: Map<string, tf.Tensor> } {
    const tensors = new Map<string, tf.Tensor>();
    for (const [name, s] of this.m) tensors.set(`m:${name}`, s);
    for (const [name, s] of this.v) tensors.set(`v:${name}`, s);
    return { t: this.t, tensors };
  }

  /** Continue from getState() output; the values are copied into the optimizer's own variables. */
  setState(state: { t: number; tensors: ReadonlyMap<string, tf.Tensor> }): void {
    this.dispose();
    this.t = state.t;
    for (const [key, value] of state.tensors) {
      const store = key.startsWith('m:') ? this.m : key.startsWith('v:') ? this.v : undefined;
      if (!store) throw new MstfError('INVALID_ARGUMENT', `Adam state: unknown slot "${key}"`);
      variableOf(this.net, key.slice(2));
      store.set(key.slice(2), tf.variable(value, false));
    }
  }

  dispose(): void {
    for (const s of [...this.m.values(), ...this.v.values()]) s.dispose();
    this.m.clear();
    this.v.clear();
  }
}

export interface SGDOptions {
  lr: number;
  momentum?: number;
  nesterov?: boolean;
  weightDecay?: number;
}

/** torch.optim.SGD: g += wd p; buf = mu buf + g (buf = g at the first step); p -= lr (nesterov ? g + mu buf : buf). */
export class SGD implements Optimizer {
  lr: number;
  private readonly buf = new Map<string, tf.Variable>();
  private readonly momentum: number;
  private readonly nesterov: boolean;
  private readonly weightDecay: number;

  constructor(
    private readonly net: Network,
    opts: SGDOptions,
  ) {
    this.lr = opts.lr;
    this.momentum = opts.momentum ?? 0;
    this.nesterov = opts.nesterov ?? false;
    this.weightDecay = opts.weightDecay ?? 0;
  }

  step(grads: ReadonlyMap<string, tf.Tensor>): void {
    for (const [name, g0] of grads) {
      const p = variableOf(this.net, name);
      tf.tidy(() => {
        const g = this.weightDecay ? tf.add(g0, tf.mul(p, this.weightDecay)) : g0;
        let update: tf.Tensor = g;
        if (this.momentum) {
          const first = !this.buf.has(name);
          const b = slot(this.buf, name, p);
          b.assign(first ? g : tf.add(tf.mul(b, this.momentum), g));
          update = this.nesterov ? tf.add(g, tf.mul(b, this.momentum)) : b;
        }
        p.assign(tf.sub(p, tf.mul(update, this.lr)));
      });
    }
  }

  dispose(): void {
    for (const s of this.buf.values()) s.dispose();
    this.buf.clear();
  }
}

export interface TrainStepOptions {
  /** Parameters to update (default: every trainable parameter). */
  wrtParams?: string[];
  /** Update batchnorm running statistics (default true). */
  updateStats?: boolean;
}

/**
 * One training step: forward in training mode (batch statistics, running statistics updated), gradients,
 * optimizer update. Returns the loss before the update. Leaves no tensors behind.
 */
export function trainStep(
  net: Network,
  optimizer: Optimizer,
  x: tf.Tensor,
  lossFn: (out: ForwardResult) => tf.Scalar,
  opts: TrainStepOptions = {},
): number {
  const g = net.gradients(lossFn, x, {
    training: true,
    updateStats: opts.updateStats ?? true,
    ...(opts.wrtParams ? { wrtParams: opts.wrtParams } : {}),
  });
  try {
    optimizer.step(g.params);
  } finally {
    tf.dispose([...g.params.values(), ...Object.values(g.taps)]);
  }
  return g.value;
}
