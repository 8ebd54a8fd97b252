/**
 * The task loss on one labelled batch, as the zero-cost-nas reference uses it: cross-entropy (mean over the
 * batch) for binary, multi-class and ordinal tasks, binary cross-entropy with logits (mean over batch and
 * labels) for multi-label ones (core/engine/losses.ts). Batchnorm runs on batch statistics (the reference's
 * train mode) and running statistics are never written back.
 */
import type { tf } from '../../core/engine/tf.js';
import { batchToTensors } from '../../core/engine/batch.js';
import { taskLoss } from '../../core/engine/losses.js';
import type { Batch } from '../../core/contracts/dataset.js';
import type { ForwardResult, GradientRequest, GradientResult, Network } from '../../core/contracts/engine.js';

export type LossFn = (out: ForwardResult) => tf.Scalar;

/** Run `f` with the batch's images as a tensor and the task loss against its labels; tensors freed after. */
export function withLabelledBatch<T>(batch: Batch, f: (x: tf.Tensor, loss: LossFn) => T): T {
  const { x, labels, dispose } = batchToTensors(batch);
  try {
    return f(x, (out) => taskLoss(batch.task, out.output, labels));
  } finally {
    dispose();
  }
}

/** Gradients of the task loss w.r.t. `wrtParams` (plus whatever `extra` asks), train-mode batchnorm. */
export function labelledGradients(
  net: Network,
  batch: Batch,
  wrtParams: string[],
  extra: Omit<GradientRequest, 'wrtParams'> = {},
): GradientResult {
  return withLabelledBatch(batch, (x, loss) =>
    net.gradients(loss, x, { training: true, updateStats: false, ...extra, wrtParams }),
  );
}
