import type { z } from 'zod';

/** The seven extension points. Each has one tsyringe injection token (core/kernel/tokens.ts). */
export const EXTENSION_KINDS = [
  'searchSpace',
  'indicator',
  'objective',
  'optimizer',
  'dataset',
  'executor',
  'engine',
] as const;
export type ExtensionKind = (typeof EXTENSION_KINDS)[number];

/**
 * What every extension has. `optionsSchema` validates the options a user gives it (config file, CLI
 * flags, MCP arguments) before any work starts; the same schema drives flag validation and MCP input.
 */
export interface ExtensionBase<Options = unknown> {
  readonly id: string;
  readonly description: string;
  readonly optionsSchema?: z.ZodType<Options>;
}

/**
 * The budget knobs of a search (its config fields and CLI flags `--population`, `--offspring`,
 * `--channels`, `--blocks`, filled by presets). Core applies them to a search space or optimizer only
 * through that extension's `budget` declaration.
 */
export type BudgetKnob = 'population' | 'offspring' | 'channels' | 'blocks';

/** Which of an extension's options a budget knob sets: knob -> option key, e.g. { channels: 'channels' }. */
export type BudgetDeclaration = Partial<Record<BudgetKnob, string>>;
