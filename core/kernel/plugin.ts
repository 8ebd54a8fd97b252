import type { z } from 'zod';
import type { ExtensionKind } from '../contracts/extension.js';
import type { ExtensionTypes } from './tokens.js';

/** The kernel's plugin API version. Plugins declare a semver range it must satisfy. */
export const KERNEL_API_VERSION = '1.0.0';

export interface PluginContext<Config = unknown> {
  /** This plugin's configuration (validated by its configSchema). */
  readonly config: Config;
  /** Register one extension; its id must be listed in the manifest's `provides`. */
  add<K extends ExtensionKind>(kind: K, extension: ExtensionTypes[K]): void;
}

export interface PluginManifest<Config = unknown> {
  /** npm-style name, e.g. "@mstf/indicators" or "mstf-plugin-example". */
  name: string;
  version: string;
  /** semver range of the kernel API this plugin was written for, e.g. "^1.0.0". */
  apiVersion: string;
  /** Every extension id the plugin registers, by kind (checked against what register() adds). */
  provides: Partial<Record<ExtensionKind, string[]>>;
  configSchema?: z.ZodType<Config>;
  register(ctx: PluginContext<Config>): void | Promise<void>;
}

/** Identity with types: a plugin module's default export is `definePlugin({...})`. */
export function definePlugin<Config = unknown>(manifest: PluginManifest<Config>): PluginManifest<Config> {
  return manifest;
}
