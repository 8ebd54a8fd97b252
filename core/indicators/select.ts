/**
 * Turn a user's indicator list ("all", "synflow,params") into registered indicators and their options.
 */
import { MstfError } from '../errors.js';
import type { Indicator } from '../contracts/indicator.js';
import type { Kernel } from '../kernel/loader.js';

export interface SelectedIndicators {
  indicators: Indicator<any>[];
  optionsById: Record<string, unknown>;
}

/** Ids from "all" or a comma-separated list; unknown ids fail with the list of known ones. */
export function parseIndicatorList(text: string, known: readonly string[]): string[] {
  const trimmed = text.trim();
  if (trimmed === '')
    throw new MstfError('INVALID_ARGUMENT', `--indicators is empty (known: ${known.join(', ')}, or all)`);
  if (trimmed === 'all') return [...known];
  const ids = trimmed
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = ids.filter((id) => !known.includes(id));
  if (unknown.length > 0) {
    throw new MstfError(
      'UNKNOWN_EXTENSION',
      `unknown indicator ${unknown.map((u) => `"${u}"`).join(', ')} (known: ${known.join(', ')}, or all)`,
    );
  }
  return [...new Set(ids)];
}

/** The registered indicators named by `text`, with the options they were booted with. */
export function selectIndicators(kernel: Pick<Kernel, 'registry' | 'optionsOf'>, text: string): SelectedIndicators {
  const registry = kernel.registry('indicator');
  const ids = parseIndicatorList(text, registry.ids());
  return {
    indicators: ids.map((id) => registry.get(id)),
    optionsById: Object.fromEntries(ids.map((id) => [id, kernel.optionsOf('indicator', id)])),
  };
}

/** Ids of the selected indicators that read images. */
export function dataIndicators(indicators: readonly Indicator<any>[]): string[] {
  return indicators.filter((i) => i.needs.data).map((i) => i.id);
}
