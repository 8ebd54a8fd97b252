/** Small value helpers shared across core and plugins. */

/** A copy of `o` without its undefined entries (so they do not override defaults when spread). */
export function stripUndefined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

/** The number when it is finite, else null (JSON has no NaN / Infinity). */
export function finiteOrNull(v: number | null | undefined): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}
