import type { PluginManifest } from '../core/kernel/plugin.js';

/**
 * The built-in plugins, loaded by default. One folder per plugin; each exports one definePlugin(...)
 * manifest as its default export. Add a line per plugin.
 */
export const builtinPlugins: PluginManifest<any>[] = [];
