/**
 * ACC and AUC exactly as the official MedMNIST evaluator (medmnist/evaluator.py, getAUC / getACC, v2+):
 *
 * - binary-class: AUC of the positive-class probability (score[:, -1], i.e. softmax[:, 1]);
 *   ACC = mean(score[:, -1] > 0.5 == label).
 * - multi-class and ordinal-regression: AUC = unweighted mean over classes of the one-vs-rest AUC of
 *   score[:, c]; ACC = mean(argmax(score) == label) (ties: the first maximum, as numpy).
 * - multi-label: AUC = mean over labels of the per-label AUC of the sigmoid score; ACC = mean over labels of
 *   the per-label accuracy of (score > 0.5).
 *
 * AUC is sklearn's roc_auc_score for one binary problem: the Mann-Whitney U statistic, a positive-negative
 * pair with equal scores counting 1/2, computed with average ranks in O(n log n).
 *
 * Where sklearn raises (a class with no positive or no negative example) the AUC of that class is undefined:
 * it is left out of the mean and reported in `undefinedAuc` (NaN when no class is defined). The official code
 * would stop with an error; this only happens on subsampled or tiny splits.
 */
import { MstfError } from '../errors.js';
import type { TaskType } from '../contracts/dataset.js';

/** Scores of N examples: row-major [N, K] (K = classes, or labels for multi-label). */
export interface ScoreTable {
  scores: Float32Array | Float64Array | number[];
  /** N * labelWidth integer labels (labelWidth = 1 except multi-label, where it is K). */
  labels: Int32Array | number[];
  n: number;
  k: number;
}

export interface Metrics {
  acc: number;
  auc: number;
  /** Classes / labels whose one-vs-rest AUC is undefined (only one label value present). */
  undefinedAuc?: number[];
}

/**
 * ROC AUC of one binary problem (labels 0/1). Mann-Whitney: (sum of the positives' average ranks -
 * P(P+1)/2) / (P N). NaN when P = 0 or N = 0.
 */
export function rocAuc(truth: ArrayLike<number>, score: ArrayLike<number>): number {
  const n = truth.length;
  if (score.length !== n) throw new MstfError('INVALID_ARGUMENT', `rocAuc: ${n} labels but ${score.length} scores`);
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => score[a]! - score[b]!);
  let positives = 0;
  let rankSumPos = 0;
  for (let i = 0; i < n; ) {
    // A run of equal scores shares the average of its ranks (1-based): ties count 1/2 per pair.
    let j = i;
    while (j + 1 < n && score[order[j + 1]!] === score[order[i]!]) j++;
    const averageRank = (i + 1 + (j + 1)) / 2;
    for (let t = i; t <= j; t++) {
      if (truth[order[t]!] === 1) {
        positives++;
        rankSumPos += averageRank;
      }
    }
    i = j + 1;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return NaN;
  return (rankSumPos - (positives * (positives + 1)) / 2) / (positives * negatives);
}

function checkTable(t: ScoreTable, labelWidth: number): void {
  if (t.scores.length !== t.n * t.k) {
    throw new MstfError('INVALID_ARGUMENT', `score table: expected ${t.n}x${t.k} scores, got ${t.scores.length}`);
  }
  if (t.labels.length !== t.n * labelWidth) {
    throw new MstfError('INVALID_ARGUMENT', `score table: expected ${t.n * labelWidth} labels, got ${t.labels.length}`);
  }
  if (t.n === 0) throw new MstfError('INVALID_ARGUMENT', 'score table: no examples');
}

function column(t: ScoreTable, c: number): Float64Array {
  const out = new Float64Array(t.n);
  for (let i = 0; i < t.n; i++) out[i] = t.scores[i * t.k + c]!;
  return out;
}

function meanDefined(values: number[]): { mean: number; undefinedAt: number[] } {
  const undefinedAt: number[] = [];
  let sum = 0;
  let count = 0;
  values.forEach((v, i) => {
    if (Number.isNaN(v)) undefinedAt.push(i);
    else {
      sum += v;
      count++;
    }
  });
  return { mean: count === 0 ? NaN : sum / count, undefinedAt };
}

/** getAUC of the official evaluator. */
export function getAUC(task: TaskType, t: ScoreTable): { auc: number; undefinedAt: number[] } {
  if (task === 'binary-class') {
    checkTable(t, 1);
    const auc = rocAuc(t.labels, column(t, t.k - 1));
    return { auc, undefinedAt: Number.isNaN(auc) ? [t.k - 1] : [] };
  }
  if (task === 'multi-label') {
    checkTable(t, t.k);
    const perLabel: number[] = [];
    for (let c = 0; c < t.k; c++) {
      const truth = new Int32Array(t.n);
      for (let i = 0; i < t.n; i++) truth[i] = t.labels[i * t.k + c]!;
      perLabel.push(rocAuc(truth, column(t, c)));
    }
    const { mean, undefinedAt } = meanDefined(perLabel);
    return { auc: mean, undefinedAt };
  }
  // multi-class and ordinal-regression: one-vs-rest per class.
  checkTable(t, 1);
  const perClass: number[] = [];
  for (let c = 0; c < t.k; c++) {
    const truth = new Int32Array(t.n);
    for (let i = 0; i < t.n; i++) truth[i] = t.labels[i] === c ? 1 : 0;
    perClass.push(rocAuc(truth, column(t, c)));
  }
  const { mean, undefinedAt } = meanDefined(perClass);
  return { auc: mean, undefinedAt };
}

/** getACC of the official evaluator (threshold 0.5, strictly greater, for binary and multi-label). */
export function getACC(task: TaskType, t: ScoreTable, threshold = 0.5): number {
  if (task === 'multi-label') {
    checkTable(t, t.k);
    let sum = 0;
    for (let c = 0; c < t.k; c++) {
      let correct = 0;
      for (let i = 0; i < t.n; i++) {
        const predicted = t.scores[i * t.k + c]! > threshold ? 1 : 0;
        if (predicted === t.labels[i * t.k + c]) correct++;
      }
      sum += correct / t.n;
    }
    return sum / t.k;
  }
  checkTable(t, 1);
  let correct = 0;
  for (let i = 0; i < t.n; i++) {
    let predicted: number;
    if (task === 'binary-class') {
      predicted = t.scores[i * t.k + t.k - 1]! > threshold ? 1 : 0;
    } else {
      predicted = 0;
      for (let c = 1; c < t.k; c++) if (t.scores[i * t.k + c]! > t.scores[i * t.k + predicted]!) predicted = c;
    }
    if (predicted === t.labels[i]) correct++;
  }
  return correct / t.n;
}

/** ACC and AUC of a score table (probabilities: softmax, or sigmoid for multi-label). */
export function evaluateScores(task: TaskType, t: ScoreTable): Metrics {
  const { auc, undefinedAt } = getAUC(task, t);
  const m: Metrics = { acc: getACC(task, t), auc };
  if (undefinedAt.length > 0) m.undefinedAuc = undefinedAt;
  return m;
}

/** Logits [N, K] -> probabilities as the official test loop: sigmoid for multi-label, softmax otherwise. */
export function probabilities(task: TaskType, logits: Float32Array, n: number, k: number): Float32Array {
  const out = new Float32Array(n * k);
  if (task === 'multi-label') {
    for (let i = 0; i < n * k; i++) out[i] = 1 / (1 + Math.exp(-logits[i]!));
    return out;
  }
  for (let i = 0; i < n; i++) {
    let max = -Infinity;
    for (let c = 0; c < k; c++) max = Math.max(max, logits[i * k + c]!);
    let sum = 0;
    for (let c = 0; c < k; c++) {
      const e = Math.exp(logits[i * k + c]! - max);
      out[i * k + c] = e;
      sum += e;
    }
    for (let c = 0; c < k; c++) out[i * k + c]! /= sum;
  }
  return out;
}
