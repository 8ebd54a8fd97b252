/**
 * The extension options a search's numbers depend on, recorded when the search is created and compared on every
 * run. Options come from mstf.config.json and `--option` at boot, not from the stored search config, so a resume
 * booted with other values would otherwise mix candidates scored two ways in one search without a word.
 */
import { MstfError } from '../errors.js';
import type { SearchKernel, SearchSetup } from './setup.js';

/** A JSON value with object keys sorted, undefined members dropped (stable text for equal options). */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = canonical(v);
    }
    return out;
  }
  return value;
}

/**
 * By "<kind>.<id>": the space's, optimizer's and objective's options (budget knobs applied), the dataset's, and
 * those of every score the objective reads. Executors and engines are left out: they must not change a number.
 */
export function searchOptionsRecord(kernel: SearchKernel, setup: SearchSetup): Record<string, unknown> {
  const { config } = setup;
  const record: Record<string, unknown> = {
    [`searchSpace.${config.space}`]: setup.spaceOptions,
    [`optimizer.${config.optimizer}`]: setup.optimizerOptions,
    [`objective.${config.objective}`]: setup.objectiveOptions,
    [`dataset.${config.dataset}`]: kernel.optionsOf('dataset', config.dataset),
  };
  for (const id of setup.scoreIds) record[`indicator.${id}`] = setup.indicatorOptions[id];
  return canonical(JSON.parse(JSON.stringify(record))) as Record<string, unknown>;
}

/** The first place two records differ, as "<kind>.<id>.<key>: <then> when created, <now> now"; undefined if equal. */
export function firstOptionDifference(
  created: Record<string, unknown>,
  now: Record<string, unknown>,
): string | undefined {
  const show = (v: unknown) => (v === undefined ? 'unset' : JSON.stringify(v));
  const walk = (a: unknown, b: unknown, at: string): string | undefined => {
    const objects = (v: unknown) => v !== null && typeof v === 'object' && !Array.isArray(v);
    if (objects(a) && objects(b)) {
      const ra = a as Record<string, unknown>;
      const rb = b as Record<string, unknown>;
      for (const key of [...new Set([...Object.keys(ra), ...Object.keys(rb)])].sort()) {
        const d = walk(ra[key], rb[key], at ? `${at}.${key}` : key);
        if (d) return d;
      }
      return undefined;
    }
    return JSON.stringify(a) === JSON.stringify(b) ? undefined : `${at}: ${show(a)} when created, ${show(b)} now`;
  };
  return walk(canonical(created), canonical(now), '');
}

/** Refuse to run a search under other options than it was created with (one line naming the first difference). */
export function checkSearchOptions(
  id: string,
  created: Record<string, unknown> | null,
  now: Record<string, unknown>,
): void {
  if (created === null) return; // created before the store kept them (schema < 4)
  const difference = firstOptionDifference(created, now);
  if (difference === undefined) return;
  throw new MstfError(
    'INVALID_ARGUMENT',
    `search ${id} was created with other extension options (${difference}); run it with the same mstf.config.json options and --option values`,
  );
}
