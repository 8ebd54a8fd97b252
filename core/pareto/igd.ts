import { MstfError } from '../errors.js';

/**
 * Inverted generational distance: the mean, over the points of the reference (true) front, of the
 * Euclidean distance to the nearest point of the approximation. Lower is better; 0 when the
 * approximation covers every reference point.
 */
export function igd(
  approximation: readonly (readonly number[])[],
  referenceFront: readonly (readonly number[])[],
): number {
  if (approximation.length === 0) throw new MstfError('INVALID_ARGUMENT', 'igd: the approximation set is empty');
  if (referenceFront.length === 0) throw new MstfError('INVALID_ARGUMENT', 'igd: the reference front is empty');
  let total = 0;
  for (const r of referenceFront) {
    let best = Infinity;
    for (const a of approximation) {
      let d2 = 0;
      for (let k = 0; k < r.length; k++) d2 += (a[k]! - r[k]!) ** 2;
      if (d2 < best) best = d2;
    }
    total += Math.sqrt(best);
  }
  return total / referenceFront.length;
}
