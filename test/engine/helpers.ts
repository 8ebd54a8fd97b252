/** Shared helpers of the engine tests: seeded data, backend switching, error measures. */
import { tf } from '../../plugins/engine-tfjs/tf.js';
import { ensureBackend } from '../../plugins/engine-tfjs/backend.js';
import { Rng } from '../../core/util/rng.js';

export async function useBackend(name: 'cpu' | 'wasm'): Promise<void> {
  const d = await ensureBackend(name);
  if (d.name !== name || tf.getBackend() !== name) throw new Error(`backend ${name} not active`);
}

/** Seeded uniform values in [-scale, scale). */
export function randomArray(size: number, seed: number, scale = 1): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: size }, () => (2 * rng.next() - 1) * scale);
}

/** Distinct values with gaps of `step` (no ties in max pooling; FD steps below step/2 cross no kink). */
export function distinctArray(size: number, seed: number, step = 0.01): Float32Array {
  const rng = new Rng(seed);
  const order = rng.shuffle(Array.from({ length: size }, (_, i) => i));
  return Float32Array.from(order, (k) => (k - size / 2) * step);
}

export const sizeOf = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);

/** max |a - b| / max |ref| (relative to the largest magnitude of the reference tensor). */
export function relError(got: ArrayLike<number>, ref: ArrayLike<number>): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < ref.length; i++) {
    diff = Math.max(diff, Math.abs(got[i]! - ref[i]!));
    scale = Math.max(scale, Math.abs(ref[i]!));
  }
  return diff / Math.max(scale, 1e-12);
}

export function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
}
