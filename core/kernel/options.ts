/**
 * The one options contract: every extension's options come from mstf.config.json (`options.<kind>.<id>`)
 * and the repeatable `--option <kind>.<id>.<key>=<value>` flag (the flag wins, key by key), are validated
 * once at boot by the extension's `optionsSchema`, and reach `create()` / `score()` / `load()` parsed.
 * A search's budget knobs (population, channels, ...) are the only per-search overrides, applied through
 * the extension's own `budget` declaration (`withBudget`).
 */
import type { z } from 'zod';
import { MstfError, zodLine } from '../errors.js';
import { EXTENSION_KINDS, type BudgetKnob, type ExtensionKind } from '../contracts/extension.js';
import type { Kernel } from './loader.js';

/** One `--option` value, parsed. */
export interface OptionSetting {
  kind: ExtensionKind;
  id: string;
  key: string;
  value: unknown;
  /** The flag as given (named in errors). */
  flag: string;
}

/** JSON when the text parses as JSON (numbers, booleans, arrays, objects, quoted strings), else the text. */
function optionValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Parse `<kind>.<id>.<key>=<value>` (the id may contain dots; kind and key may not). One-line MstfError. */
export function parseOptionFlag(flag: string): OptionSetting {
  const eq = flag.indexOf('=');
  const bad = (why: string) =>
    new MstfError('INVALID_ARGUMENT', `--option ${flag}: ${why} (expected <kind>.<id>.<key>=<value>)`);
  if (eq < 0) throw bad('no "="');
  const name = flag.slice(0, eq).trim();
  const first = name.indexOf('.');
  const last = name.lastIndexOf('.');
  if (first < 0 || last === first) throw bad('the name needs three parts');
  const kind = name.slice(0, first);
  const id = name.slice(first + 1, last);
  const key = name.slice(last + 1);
  if (!id || !key) throw bad('empty id or key');
  if (!(EXTENSION_KINDS as readonly string[]).includes(kind)) {
    throw new MstfError(
      'INVALID_ARGUMENT',
      `--option ${flag}: unknown extension kind "${kind}" (known: ${EXTENSION_KINDS.join(', ')})`,
    );
  }
  return { kind: kind as ExtensionKind, id, key, value: optionValue(flag.slice(eq + 1)), flag };
}

/** The options of the config file with the flags' keys laid over them (the flag wins, key by key). */
export function mergeOptionSettings(
  fileOptions: Partial<Record<ExtensionKind, Record<string, unknown>>> | undefined,
  settings: readonly OptionSetting[],
): Partial<Record<ExtensionKind, Record<string, unknown>>> | undefined {
  if (settings.length === 0) return fileOptions;
  const out: Partial<Record<ExtensionKind, Record<string, unknown>>> = {};
  for (const [kind, byId] of Object.entries(fileOptions ?? {}) as [ExtensionKind, Record<string, unknown>][]) {
    out[kind] = { ...byId };
  }
  for (const s of settings) {
    out[s.kind] ??= {};
    const byId = out[s.kind]!;
    const given = byId[s.id];
    byId[s.id] = { ...(given && typeof given === 'object' && !Array.isArray(given) ? given : {}), [s.key]: s.value };
  }
  return out;
}

/** The keys of an options schema when it is a zod object (undefined: any shape, the schema alone decides). */
export function optionKeys(schema: z.ZodType | undefined): string[] | undefined {
  if (!schema) return [];
  const shape = (schema as { shape?: Record<string, unknown> }).shape;
  return shape && typeof shape === 'object' ? Object.keys(shape) : undefined;
}

/** Refuse a --option key the extension does not have (zod objects would drop or reject it less clearly). */
export function checkOptionKey(s: OptionSetting, schema: z.ZodType | undefined): void {
  const keys = optionKeys(schema);
  if (keys === undefined || keys.includes(s.key)) return;
  const known = keys.length > 0 ? `options: ${keys.join(', ')}` : 'it takes no options';
  throw new MstfError(
    'INVALID_ARGUMENT',
    `--option ${s.flag}: ${s.kind} "${s.id}" has no option "${s.key}" (${known})`,
  );
}

/** Budget knob values of a search (undefined: not given). */
export type BudgetValues = Partial<Record<BudgetKnob, number | undefined>>;

/**
 * The options an extension was booted with, plus a search's budget knobs mapped through the extension's
 * `budget` declaration (knob -> option key) and checked against its schema. `explicit` knobs are the
 * user's own choice and must be declared; `presets` (values a preset filled in) go only to extensions that
 * declare them, so a space or optimizer without e.g. `population` still works.
 */
export function withBudget(
  kernel: Pick<Kernel, 'registry' | 'optionsOf'>,
  kind: 'searchSpace' | 'optimizer',
  id: string,
  knobs: { explicit?: BudgetValues; presets?: BudgetValues },
  what: string,
): unknown {
  const ext = kernel.registry(kind).get(id);
  const base = (kernel.optionsOf(kind, id) ?? {}) as Record<string, unknown>;
  const budget = ext.budget ?? {};
  const given: [string, unknown][] = [];
  for (const [knob, v] of Object.entries(knobs.presets ?? {}) as [BudgetKnob, unknown][]) {
    const key = budget[knob];
    if (v !== undefined && key) given.push([key, v]);
  }
  // Explicit knobs last: they win over preset values of the same knob.
  for (const [knob, v] of Object.entries(knobs.explicit ?? {}) as [BudgetKnob, unknown][]) {
    if (v === undefined) continue;
    const key = budget[knob];
    if (!key) throw new MstfError('INVALID_ARGUMENT', `${what} "${id}" has no option "${knob}"`);
    given.push([key, v]);
  }
  if (given.length === 0) return base;
  const options = { ...base, ...Object.fromEntries(given) };
  if (!ext.optionsSchema) return options;
  const r = ext.optionsSchema.safeParse(options);
  if (!r.success) throw new MstfError('INVALID_ARGUMENT', `${what} "${id}": ${zodLine(r.error)}`);
  return r.data;
}
