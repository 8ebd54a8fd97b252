/** Plain float64 JavaScript references (independent of tfjs) for the indicator tests. */
import type { Batch } from '../../core/contracts/dataset.js';
import { Rng } from '../../core/util/rng.js';

export type Mat = number[][];

export const matmul = (a: Mat, b: Mat): Mat =>
  a.map((row) => b[0]!.map((_, j) => row.reduce((s, v, k) => s + v * b[k]![j]!, 0)));
export const transpose = (a: Mat): Mat => a[0]!.map((_, j) => a.map((row) => row[j]!));
export const addRow = (a: Mat, b: number[]): Mat => a.map((row) => row.map((v, j) => v + b[j]!));
export const frob = (a: Mat): number => Math.sqrt(a.flat().reduce((s, v) => s + v * v, 0));
export const sumAbsProd = (a: Mat, b: Mat): number => a.flat().reduce((s, v, i) => s + Math.abs(v * b.flat()[i]!), 0);

export function softmaxRows(z: Mat): Mat {
  return z.map((row) => {
    const m = Math.max(...row);
    const e = row.map((v) => Math.exp(v - m));
    const s = e.reduce((a, b) => a + b, 0);
    return e.map((v) => v / s);
  });
}

/** Tensor values [rows, cols] as a float64 matrix. */
export function toMat(values: ArrayLike<number>, rows: number, cols: number): Mat {
  return Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => values[i * cols + j]!));
}

/** A seeded multi-class batch of n examples of shape [h, w, c] with labels in [0, classes). */
export function randomBatch(n: number, shape: [number, number, number], classes: number, seed = 1): Batch {
  const rng = new Rng(seed);
  const [h, w, c] = shape;
  const x = new Float32Array(n * h * w * c);
  for (let i = 0; i < x.length; i++) x[i] = rng.normal();
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) labels[i] = i % classes;
  return { x, shape: [n, h, w, c], labels, labelWidth: 1, task: 'multi-class', classes };
}
