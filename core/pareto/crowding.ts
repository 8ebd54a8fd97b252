/**
 * Deb's crowding distance of the points of ONE front (NSGA-II, 2002): per objective, sort the front,
 * give both extremes an infinite distance and every inner point the normalised gap between its two
 * neighbours, (f[i+1] - f[i-1]) / (f_max - f_min), summed over objectives. An objective that is
 * constant over the front contributes nothing, not even infinite extremes (as pymoo). Ties in an objective keep input order (stable sort), so
 * the result is deterministic.
 */
export function crowdingDistance(front: readonly (readonly number[])[]): number[] {
  const n = front.length;
  const distance = new Array<number>(n).fill(0);
  if (n === 0) return distance;
  if (n <= 2) return distance.fill(Infinity);
  const nObj = front[0]!.length;
  for (let m = 0; m < nObj; m++) {
    const order = [...Array(n).keys()].sort((a, b) => front[a]![m]! - front[b]![m]! || a - b);
    const fMin = front[order[0]!]![m]!;
    const fMax = front[order[n - 1]!]![m]!;
    const span = fMax - fMin;
    if (span <= 0) continue; // no extremes either: which tied point is "first" would be arbitrary
    distance[order[0]!] = Infinity;
    distance[order[n - 1]!] = Infinity;
    for (let k = 1; k < n - 1; k++) {
      const i = order[k]!;
      distance[i]! += (front[order[k + 1]!]![m]! - front[order[k - 1]!]![m]!) / span;
    }
  }
  return distance;
}
