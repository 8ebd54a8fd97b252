/**
 * The task loss on one labelled batch, as the zero-cost-nas reference uses it: cross-entropy (mean over the
 * batch) for binary, multi-class and ordinal tasks, binary cross-entropy with logits (mean over batch and
 * labels) for multi-label ones (the engine's taskLoss). Batchnorm runs on batch statistics (the reference's
 * train mode) and running statistics are never written back.
 */
import type { Batch, Engine, ForwardResult, GradientRequest, GradientResult, Network, tf } from '../../core/index.js';

export type LossFn = (out: ForwardResult) => tf.Scalar;

/**
 * Run `f` with the batch's images as a tensor and the task loss against its labels; tensors freed after.
 * `twice`: the loss is differentiable twice (for exact Hessian-vector products).
 */
export function withLabelledBatch<T>(
  engine: Engine,
  batch: Batch,
  f: (x: tf.Tensor, loss: LossFn) => T,
  opts: { twice?: boolean } = {},
): T {
  const { x, labels, dispose } = engine.batchTensors(batch);
  try {
    return f(x, (out) =>
      opts.twice
        ? engine.taskLossTwice(batch.task, out.output, labels)
        : engine.taskLoss(batch.task, out.output, labels),
    );
  } finally {
    dispose();
  }
}

/** Gradients of the task loss w.r.t. `wrtParams` (plus whatever `extra` asks), train-mode batchnorm. */
export function labelledGradients(
  engine: Engine,
  net: Network,
  batch: Batch,
  wrtParams: string[],
  extra: Omit<GradientRequest, 'wrtParams'> = {},
): GradientResult {
  return withLabelledBatch(engine, batch, (x, loss) =>
    net.gradients(loss, x, { training: true, updateStats: false, ...extra, wrtParams }),
  );
}
