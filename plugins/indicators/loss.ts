/**
 * The task loss on one labelled batch, as the zero-cost-nas reference uses it: cross-entropy (mean over the
 * batch) for binary, multi-class and ordinal tasks, binary cross-entropy with logits (mean over batch and
 * labels) for multi-label ones (core/engine/losses.ts). Batchnorm runs on batch statistics (the reference's
 * train mode) and running statistics are never written back.
 */
import type { tf } from '../../core/engine/tf.js';
import { batchToTensors } from '../../core/engine/batch.js';
import { taskLoss } from '../../core/engine/losses.js';
import { taskLossTwice } from '../../core/engine/second-order.js';
import type { Batch } from '../../core/contracts/dataset.js';
import type { ForwardResult, GradientRequest, GradientResult, Network } from '../../core/contracts/engine.js';

export type LossFn = (out: ForwardResult) => tf.Scalar;

/**
 * Run `f` with the batch's images as a tensor and the task loss against its labels; tensors freed after.
 * `twice`: the loss is differentiable twice (for exact Hessian-vector products).
 */
export function withLabelledBatch<T>(
  batch: Batch,
  f: (x: tf.Tensor, loss: LossFn) => T,
  opts: { twice?: boolean } = {},
): T {
  const { x, labels, dispose } = batchToTensors(batch);
  const lossOf = opts.twice ? taskLossTwice : taskLoss;
  try {
    return f(x, (out) => lossOf(batch.task, out.output, labels));
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
