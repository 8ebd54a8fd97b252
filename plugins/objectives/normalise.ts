import type { RawScores } from '../../core/index.js';

/** One column of the pool after Eq. (5)'s min-max normalisation. */
export interface NormalisedColumn {
  /** Per row, in [0, 1]: (v - min) / (max - min) over the pool's finite values. */
  values: number[];
  /** Per row: the raw value was null, missing or non-finite and was replaced by the pool's worst. */
  flagged: boolean[];
}

/**
 * Min-max normalise one score over the pool (Eq. 5: "from the same generation"). A null, missing or
 * non-finite value takes the pool's worst finite value (the minimum when higher is better, the maximum
 * for FLOPs) and is flagged. A column without spread (every finite value equal, or none finite) maps to 0
 * for every row: it then adds the same constant to every candidate and changes no comparison.
 */
export function normaliseColumn(pool: readonly RawScores[], name: string, higherIsBetter: boolean): NormalisedColumn {
  const raw = pool.map((row) => row[name]);
  const isOk = (v: number | null | undefined): v is number => typeof v === 'number' && Number.isFinite(v);
  const finite = raw.filter(isOk);
  const flagged = raw.map((v) => !isOk(v));
  if (finite.length === 0) return { values: raw.map(() => 0), flagged };
  let min = Infinity;
  let max = -Infinity;
  for (const v of finite) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const worst = higherIsBetter ? min : max;
  const span = max - min;
  const values = raw.map((v) => {
    if (span <= 0) return 0;
    return ((isOk(v) ? v : worst) - min) / span;
  });
  return { values, flagged };
}
