/**
 * The trainer's optimizer and criterion, behind a small interface so the loop stays readable and the
 * optimizer state can be checkpointed (JSON + named tensors).
 */
import { tf } from '../engine/tf.js';
import type { Network } from '../contracts/engine.js';
import type { TaskType } from '../contracts/dataset.js';
import type { OptimizerSnapshot } from './checkpoint.js';

export interface TrainingOptimizer {
  /** One update of every parameter in `grads` (tfjs variables of the network) at learning rate `lr`. */
  apply(grads: Map<string, tf.Tensor>, lr: number): void;
  snapshot(): OptimizerSnapshot;
  restore(s: OptimizerSnapshot): void;
  dispose(): void;
}

/**
 * Adam as torch.optim.Adam with its defaults (betas 0.9 / 0.999, eps 1e-8, no weight decay):
 *   m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2
 *   p -= lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
 */
class AdamOptimizer implements TrainingOptimizer {
  private t = 0;
  private readonly m = new Map<string, tf.Variable>();
  private readonly v = new Map<string, tf.Variable>();

  constructor(
    private readonly net: Network,
    private readonly beta1 = 0.9,
    private readonly beta2 = 0.999,
    private readonly eps = 1e-8,
  ) {}

  private moment(store: Map<string, tf.Variable>, name: string, like: tf.Tensor): tf.Variable {
    let s = store.get(name);
    if (!s) {
      s = tf.variable(tf.zerosLike(like), false);
      store.set(name, s);
    }
    return s;
  }

  apply(grads: Map<string, tf.Tensor>, lr: number): void {
    this.t++;
    const c1 = 1 - this.beta1 ** this.t;
    const c2 = 1 - this.beta2 ** this.t;
    for (const [name, g] of grads) {
      const p = this.net.params.get(name);
      if (!p) continue;
      const m = this.moment(this.m, name, p);
      const v = this.moment(this.v, name, p);
      tf.tidy(() => {
        const m1 = tf.add(tf.mul(m, this.beta1), tf.mul(g, 1 - this.beta1));
        const v1 = tf.add(tf.mul(v, this.beta2), tf.mul(tf.square(g), 1 - this.beta2));
        m.assign(m1);
        v.assign(v1);
        const denom = tf.add(tf.sqrt(tf.div(v1, c2)), this.eps);
        p.assign(tf.sub(p, tf.mul(tf.div(m1, denom), lr / c1)));
      });
    }
  }

  snapshot(): OptimizerSnapshot {
    const tensors = new Map<string, tf.Tensor>();
    for (const [name, m] of this.m) tensors.set(`m:${name}`, m);
    for (const [name, v] of this.v) tensors.set(`v:${name}`, v);
    return { json: { kind: 'adam', t: this.t, beta1: this.beta1, beta2: this.beta2, eps: this.eps }, tensors };
  }

  restore(s: OptimizerSnapshot): void {
    const json = s.json as { kind: string; t: number };
    this.t = json.t;
    for (const [key, value] of s.tensors) {
      const [which, name] = [key.slice(0, 1), key.slice(2)];
      const store = which === 'm' ? this.m : this.v;
      store.get(name)?.dispose();
      store.set(name, tf.variable(value, false));
      value.dispose();
    }
  }

  dispose(): void {
    for (const t of [...this.m.values(), ...this.v.values()]) t.dispose();
    this.m.clear();
    this.v.clear();
  }
}

export function createTrainingOptimizer(net: Network, _lr: number): TrainingOptimizer {
  return new AdamOptimizer(net);
}

/**
 * The official criterion for a batch: nn.CrossEntropyLoss on the logits (binary, multi-class, ordinal) or
 * nn.BCEWithLogitsLoss (multi-label), both averaged over the batch (BCE over every label entry).
 */
export function classificationLoss(
  task: TaskType,
  classes: number,
  labels: Int32Array,
  n: number,
): { loss: (logits: tf.Tensor) => tf.Scalar; dispose: () => void } {
  if (task === 'multi-label') {
    const y = tf.tensor2d(Float32Array.from(labels), [n, classes]);
    return {
      // max(z, 0) - z y + log(1 + exp(-|z|)): stable for any z.
      loss: (z) => tf.mean(tf.add(tf.sub(tf.relu(z), tf.mul(z, y)), tf.softplus(tf.neg(tf.abs(z))))) as tf.Scalar,
      dispose: () => y.dispose(),
    };
  }
  const oneHot = tf.tidy(() => tf.oneHot(tf.tensor1d(labels, 'int32'), classes).toFloat());
  return {
    loss: (z) => tf.neg(tf.mean(tf.sum(tf.mul(oneHot, tf.logSoftmax(z)), 1))) as tf.Scalar,
    dispose: () => oneHot.dispose(),
  };
}
