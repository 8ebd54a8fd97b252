/**
 * `--predictions file.csv`: one row per test image, in the split's order:
 *   index, label (or label_0..label_{K-1} for multi-label), prob_0..prob_{K-1}
 * Probabilities are what the metrics use: softmax, or per-label sigmoid for multi-label.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { TaskType } from '../contracts/dataset.js';

export function predictionsCsv(task: TaskType, labels: Int32Array, probs: Float32Array, n: number, k: number): string {
  const labelWidth = task === 'multi-label' ? k : 1;
  const header = [
    'index',
    ...(labelWidth === 1 ? ['label'] : Array.from({ length: k }, (_, c) => `label_${c}`)),
    ...Array.from({ length: k }, (_, c) => `prob_${c}`),
  ];
  const lines = [header.join(',')];
  for (let i = 0; i < n; i++) {
    const row: (string | number)[] = [i];
    for (let j = 0; j < labelWidth; j++) row.push(labels[i * labelWidth + j]!);
    // 7 significant digits: float32 precision.
    for (let c = 0; c < k; c++) row.push(Number(probs[i * k + c]!.toPrecision(7)));
    lines.push(row.join(','));
  }
  return `${lines.join('\n')}\n`;
}

export function writePredictions(
  file: string,
  task: TaskType,
  labels: Int32Array,
  probs: Float32Array,
  n: number,
  k: number,
): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(file, predictionsCsv(task, labels, probs, n, k));
}
