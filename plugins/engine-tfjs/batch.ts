/** A dataset Batch (flat Float32Array + labels) as tensors for the engine. */
import { tf } from './tf.js';
import { MstfError, type Batch, type BatchTensors } from '../../core/index.js';

export type { BatchTensors };

export function batchToTensors(batch: Batch): BatchTensors {
  const [n, h, w, c] = batch.shape;
  if (batch.x.length !== n * h * w * c) {
    throw new MstfError(
      'INVALID_ARGUMENT',
      `batch has ${batch.x.length} values, shape [${batch.shape}] needs ${n * h * w * c}`,
    );
  }
  if (batch.labels.length !== n * batch.labelWidth) {
    throw new MstfError(
      'INVALID_ARGUMENT',
      `batch has ${batch.labels.length} labels, ${n} examples x width ${batch.labelWidth} needed`,
    );
  }
  const x = tf.tensor4d(batch.x, batch.shape, 'float32');
  let labels: tf.Tensor;
  if (batch.task === 'multi-label') {
    labels = tf.tensor2d(Float32Array.from(batch.labels), [n, batch.labelWidth], 'float32');
  } else {
    if (batch.labelWidth !== 1) {
      x.dispose();
      throw new MstfError('INVALID_ARGUMENT', `a ${batch.task} batch must have label width 1, got ${batch.labelWidth}`);
    }
    labels = tf.tensor1d(batch.labels, 'int32');
  }
  return { x, labels, y: labels, dispose: () => tf.dispose([x, labels]) };
}
