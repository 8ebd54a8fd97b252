/** Losses on logits; both are means (over the batch, and over labels for BCE), as PyTorch's defaults. */
import { tf } from './tf.js';
import { MstfError, type TaskType } from '../../core/index.js';

/** Cross-entropy of softmax(logits [N, K]) with integer labels [N] (nn.CrossEntropyLoss). */
export function softmaxCrossEntropy(logits: tf.Tensor, labels: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const k = logits.shape[logits.rank - 1]!;
    const oneHot = tf.oneHot(tf.cast(tf.reshape(labels, [-1]), 'int32'), k);
    return tf.neg(tf.mean(tf.sum(tf.mul(oneHot, tf.logSoftmax(logits)), -1))) as tf.Scalar;
  });
}

/**
 * Binary cross-entropy with logits against multi-hot targets [N, K] (nn.BCEWithLogitsLoss), in the stable
 * form max(z, 0) - z*y + log(1 + exp(-|z|)).
 */
export function sigmoidBCE(logits: tf.Tensor, targets: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const y = tf.cast(targets, 'float32');
    const terms = tf.add(tf.sub(tf.relu(logits), tf.mul(logits, y)), tf.log1p(tf.exp(tf.neg(tf.abs(logits)))));
    return tf.mean(terms) as tf.Scalar;
  });
}

/** The loss of a task: BCE for multi-label, softmax cross-entropy otherwise (binary/ordinal as classes). */
export function taskLoss(task: TaskType, logits: tf.Tensor, labels: tf.Tensor): tf.Scalar {
  if (task === 'multi-label') return sigmoidBCE(logits, labels);
  if (task === 'binary-class' || task === 'multi-class' || task === 'ordinal-regression') {
    return softmaxCrossEntropy(logits, labels);
  }
  throw new MstfError('INVALID_ARGUMENT', `unknown task "${String(task)}"`);
}
