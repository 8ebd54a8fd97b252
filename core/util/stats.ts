/**
 * Rank statistics for checking indicators against benchmark accuracies: ranks with average ties,
 * Pearson, Spearman (Pearson of average ranks, as scipy.stats.spearmanr) and Kendall's tau-b (as
 * scipy.stats.kendalltau's default). Infinite values rank normally (-Infinity lowest); pairs where either
 * value is NaN must be removed by the caller (see `finitePairs`).
 */

/** 1-based ranks; tied values get the average of the ranks they span. */
export function averageRanks(values: readonly number[]): number[] {
  const order = values.map((_, i) => i).sort((a, b) => compare(values[a]!, values[b]!));
  const ranks = new Array<number>(values.length);
  let i = 0;
  while (i < order.length) {
    let j = i;
    while (j + 1 < order.length && values[order[j + 1]!] === values[order[i]!]) j++;
    const avg = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) ranks[order[k]!] = avg;
    i = j + 1;
  }
  return ranks;
}

function compare(a: number, b: number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function pearson(x: readonly number[], y: readonly number[]): number {
  checkLengths(x, y);
  const n = x.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i]!;
    my += y[i]!;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - mx;
    const dy = y[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxy / Math.sqrt(sxx * syy);
}

/** Spearman's rho: Pearson correlation of average ranks. NaN when either side is constant. */
export function spearman(x: readonly number[], y: readonly number[]): number {
  checkLengths(x, y);
  return pearson(averageRanks(x), averageRanks(y));
}

/**
 * Kendall's tau-b: (concordant - discordant) / sqrt((n0 - n1)(n0 - n2)), n0 = n(n-1)/2, n1 / n2 the pairs
 * tied in x / y. O(n^2), fine for the few thousand points of a validation sample.
 */
export function kendallTauB(x: readonly number[], y: readonly number[]): number {
  checkLengths(x, y);
  const n = x.length;
  let concordant = 0;
  let discordant = 0;
  let tiedX = 0;
  let tiedY = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const dx = compare(x[i]!, x[j]!);
      const dy = compare(y[i]!, y[j]!);
      if (dx === 0) tiedX++;
      if (dy === 0) tiedY++;
      if (dx === 0 || dy === 0) continue;
      if (dx === dy) concordant++;
      else discordant++;
    }
  }
  const n0 = (n * (n - 1)) / 2;
  return (concordant - discordant) / Math.sqrt((n0 - tiedX) * (n0 - tiedY));
}

/** The pairs where neither value is NaN/null (infinities kept: they rank). */
export function finitePairs(
  x: readonly (number | null)[],
  y: readonly (number | null)[],
): { x: number[]; y: number[]; dropped: number } {
  checkLengths(x, y);
  const ox: number[] = [];
  const oy: number[] = [];
  for (let i = 0; i < x.length; i++) {
    const a = x[i];
    const b = y[i];
    if (a === null || b === null || a === undefined || b === undefined || Number.isNaN(a) || Number.isNaN(b)) continue;
    ox.push(a);
    oy.push(b);
  }
  return { x: ox, y: oy, dropped: x.length - ox.length };
}

function checkLengths(x: readonly unknown[], y: readonly unknown[]): void {
  if (x.length !== y.length) throw new Error(`correlation of ${x.length} and ${y.length} values: lengths differ`);
}
