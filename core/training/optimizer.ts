/**
 * The trainer's optimizer and criterion: the engine's Adam (torch.optim.Adam defaults) and task loss
 * (cross-entropy, BCE with logits for multi-label), behind a small interface so the loop stays readable and
 * the optimizer state can be checkpointed (JSON + named tensors).
 */
import type { Engine, Network, tf } from '../contracts/engine.js';
import type { TaskType } from '../contracts/dataset.js';
import type { OptimizerSnapshot } from './checkpoint.js';

export interface TrainingOptimizer {
  /** One update of every parameter in `grads` (tfjs variables of the network) at learning rate `lr`. */
  apply(grads: ReadonlyMap<string, tf.Tensor>, lr: number): void;
  snapshot(): OptimizerSnapshot;
  /** Continue from a snapshot; takes ownership of its tensors. */
  restore(s: OptimizerSnapshot): void;
  dispose(): void;
}

/** Adam with PyTorch's defaults (betas 0.9 / 0.999, eps 1e-8, no weight decay), as the official script. */
export function createTrainingOptimizer(engine: Engine, net: Network): TrainingOptimizer {
  const { tf } = engine;
  const adam = engine.adam(net);
  return {
    apply(grads, lr) {
      adam.lr = lr;
      adam.step(grads);
    },
    snapshot() {
      const { t, tensors } = adam.getState();
      return { json: { kind: 'adam', t }, tensors };
    },
    restore(s) {
      const json = s.json as { kind?: string; t?: number } | null;
      try {
        adam.setState({ t: json?.t ?? 0, tensors: s.tensors });
      } finally {
        tf.dispose([...s.tensors.values()]);
      }
    },
    dispose: () => adam.dispose(),
  };
}

/**
 * The official criterion for a batch of `n` examples: labels as a tensor built once, and the loss of the
 * logits (nn.CrossEntropyLoss, or nn.BCEWithLogitsLoss for multi-label; both batch means).
 */
export function classificationLoss(
  engine: Engine,
  task: TaskType,
  classes: number,
  labels: Int32Array,
  n: number,
): { loss: (logits: tf.Tensor) => tf.Scalar; dispose: () => void } {
  const { tf } = engine;
  const y =
    task === 'multi-label' ? tf.tensor2d(Float32Array.from(labels), [n, classes]) : tf.tensor1d(labels, 'int32');
  return { loss: (logits) => engine.taskLoss(task, logits, y), dispose: () => y.dispose() };
}
