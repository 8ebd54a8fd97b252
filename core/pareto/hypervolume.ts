import { MstfError } from '../errors.js';

/**
 * Hypervolume (minimisation) of the region dominated by `points` and bounded by `reference`. Points that
 * do not strictly dominate the reference point contribute nothing. 2-D: one sweep after sorting, exact.
 * n-D: exact recursive slicing over the last objective (HSO); fine for the few-objective, few-hundred-point
 * sets of this project (cost grows as N^(M-1)).
 */
export function hypervolume(points: readonly (readonly number[])[], reference: readonly number[]): number {
  const m = reference.length;
  if (m === 0) throw new MstfError('INVALID_ARGUMENT', 'hypervolume: the reference point has no coordinates');
  for (const p of points) {
    if (p.length !== m) {
      throw new MstfError('INVALID_ARGUMENT', `hypervolume: a point has ${p.length} objectives, the reference ${m}`);
    }
    if (p.some((v) => !Number.isFinite(v))) {
      throw new MstfError('INVALID_ARGUMENT', `hypervolume: non-finite point (${p.join(', ')})`);
    }
  }
  const inside = points.filter((p) => p.every((v, k) => v < reference[k]!));
  return hvRecursive(
    inside.map((p) => [...p]),
    reference,
    m,
  );
}

function hvRecursive(points: number[][], ref: readonly number[], dims: number): number {
  if (points.length === 0) return 0;
  if (dims === 1) return ref[0]! - Math.min(...points.map((p) => p[0]!));
  if (dims === 2) return hv2d(points, ref);
  // Slice along the last objective: between consecutive values the dominated cross-section is the
  // (dims-1)-D hypervolume of every point at or below the slice.
  const last = dims - 1;
  const sorted = [...points].sort((a, b) => a[last]! - b[last]!);
  let volume = 0;
  for (let i = 0; i < sorted.length; i++) {
    const top = i + 1 < sorted.length ? sorted[i + 1]![last]! : ref[last]!;
    const height = top - sorted[i]![last]!;
    if (height <= 0) continue;
    volume += hvRecursive(sorted.slice(0, i + 1), ref, last) * height;
  }
  return volume;
}

function hv2d(points: number[][], ref: readonly number[]): number {
  const sorted = [...points].sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!);
  let volume = 0;
  let bestF2 = ref[1]!;
  for (const p of sorted) {
    if (p[1]! < bestF2) {
      volume += (ref[0]! - p[0]!) * (bestF2 - p[1]!);
      bestF2 = p[1]!;
    }
  }
  return volume;
}
