/**
 * Gradients of one training batch computed over micro-batches and accumulated, so that a batch too large
 * for the backend's memory still gives the full-batch update. The criterion is a batch mean, so the
 * full-batch gradient is sum_k (n_k / N) * (gradient of micro-batch k's mean loss). Batchnorm in training
 * mode normalises each micro-batch with its own statistics and updates the running statistics once per
 * micro-batch: that is the one difference from the full batch (docs/decisions.md, "Training memory").
 */
import type { Batch } from '../contracts/dataset.js';
import type { Engine, Network, tf } from '../contracts/engine.js';
import { classificationLoss } from './optimizer.js';
import { microBatchSizes } from './memory.js';

export interface BatchGradients {
  /** Mean loss over the whole batch. */
  value: number;
  /** Gradient of the mean loss per trainable parameter; the caller disposes them. */
  grads: Map<string, tf.Tensor>;
}

/** The examples [start, start + n) of a batch. */
function slice(batch: Batch, start: number, n: number): Batch {
  const per = batch.shape[1] * batch.shape[2] * batch.shape[3];
  return {
    ...batch,
    x: batch.x.subarray(start * per, (start + n) * per),
    shape: [n, batch.shape[1], batch.shape[2], batch.shape[3]],
    labels: batch.labels.subarray(start * batch.labelWidth, (start + n) * batch.labelWidth),
  };
}

/** Loss and parameter gradients of one (micro-)batch in training mode, running statistics updated. */
function gradientsOf(engine: Engine, net: Network, b: Batch): BatchGradients {
  const { tf } = engine;
  const n = b.shape[0];
  const x = tf.tensor4d(b.x, b.shape);
  const target = classificationLoss(engine, b.task, b.classes, b.labels, n);
  try {
    const g = net.gradients((out) => target.loss(out.output), x, { training: true, updateStats: true });
    tf.dispose(Object.values(g.taps));
    return { value: g.value, grads: g.params };
  } finally {
    x.dispose();
    target.dispose();
  }
}

/**
 * Gradients of the batch's mean loss, accumulated over micro-batches of at most `microBatch` examples
 * (near-equal sizes). With one micro-batch this is exactly one full-batch gradient call.
 */
export function batchGradients(engine: Engine, net: Network, batch: Batch, microBatch: number): BatchGradients {
  const { tf } = engine;
  const n = batch.shape[0];
  const sizes = microBatchSizes(n, microBatch);
  if (sizes.length === 1) return gradientsOf(engine, net, batch);
  const sum = new Map<string, tf.Tensor>();
  let value = 0;
  let start = 0;
  try {
    for (const size of sizes) {
      const part = gradientsOf(engine, net, slice(batch, start, size));
      start += size;
      const weight = size / n;
      value += part.value * weight;
      for (const [name, g] of part.grads) {
        const prev = sum.get(name);
        sum.set(
          name,
          tf.tidy(() => (prev ? tf.add(prev, tf.mul(g, weight)) : tf.mul(g, weight))),
        );
        prev?.dispose();
        g.dispose();
      }
    }
  } catch (e) {
    tf.dispose([...sum.values()]);
    throw e;
  }
  return { value, grads: sum };
}
