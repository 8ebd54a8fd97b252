import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import semver from 'semver';
import { container as rootContainer, type DependencyContainer } from 'tsyringe';
import { MstfError, messageOf, zodLine } from '../errors.js';
import { EXTENSION_KINDS, type ExtensionKind } from '../contracts/extension.js';
import { KERNEL_API_VERSION, type PluginManifest } from './plugin.js';
import { ExtensionRegistry } from './registry.js';
import { BootToken, SettingsToken, Tokens, type ExtensionTypes } from './tokens.js';
import type { Settings } from './settings.js';

/** mstf.config.json in the working directory. */
export interface MstfConfig {
  plugins?: string[];
  /** Options per extension: { "<kind>": { "<id>": {...} } }, validated at boot. */
  options?: Partial<Record<ExtensionKind, Record<string, unknown>>>;
  /** Configuration per plugin name, validated by the plugin's configSchema. */
  pluginConfig?: Record<string, unknown>;
  /** Limits of `mstf mcp` (mcp-server/limits.ts), validated by that command. */
  mcp?: unknown;
}

/** Every key mstf.config.json may hold: any other is a typo that would silently change nothing. */
const CONFIG_KEYS = ['plugins', 'options', 'pluginConfig', 'mcp'] as const;

export interface LoadedPlugin {
  name: string;
  version: string;
  source: string;
}

export interface Kernel {
  container: DependencyContainer;
  settings: Settings;
  plugins: LoadedPlugin[];
  /** What it was booted from, so another process or thread can boot the same kernel (evaluation workers). */
  boot: BootInfo;
  registry<K extends ExtensionKind>(kind: K): ExtensionRegistry<K>;
  /** The options an extension was booted with (validated; defaults applied). */
  optionsOf(kind: ExtensionKind, id: string): unknown;
}

/** The plugins a kernel loaded and the inputs that chose them. */
export interface BootInfo {
  plugins: LoadedPlugin[];
  config: MstfConfig;
  extraPlugins: string[];
}

export interface BootOptions {
  settings: Settings;
  /** Built-in plugins (the CLI passes plugins/index.ts; core never imports a plugin). */
  builtins: PluginManifest<any>[];
  /** --plugin values (module names or paths), loaded after mstf.config.json's. */
  extraPlugins?: string[];
  /** Explicit config; default: <cwd>/mstf.config.json when present. */
  config?: MstfConfig;
}

export const CONFIG_FILE = 'mstf.config.json';

export function readConfig(cwd: string): MstfConfig {
  const file = path.join(cwd, CONFIG_FILE);
  if (!fs.existsSync(file)) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new MstfError('PLUGIN_LOAD', `${file}: not valid JSON (${messageOf(e)})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new MstfError('PLUGIN_LOAD', `${file}: expected an object like {"plugins": ["<module or path>"]}`);
  }
  const cfg = parsed as MstfConfig;
  for (const key of Object.keys(cfg)) {
    if (!(CONFIG_KEYS as readonly string[]).includes(key)) {
      throw new MstfError('INVALID_ARGUMENT', `${file}: unknown key "${key}" (known: ${CONFIG_KEYS.join(', ')})`);
    }
  }
  for (const kind of Object.keys(cfg.options ?? {})) {
    if (!(EXTENSION_KINDS as readonly string[]).includes(kind)) {
      throw new MstfError(
        'INVALID_ARGUMENT',
        `${file}: options: unknown extension kind "${kind}" (known: ${EXTENSION_KINDS.join(', ')})`,
      );
    }
  }
  if (cfg.plugins !== undefined && (!Array.isArray(cfg.plugins) || cfg.plugins.some((p) => typeof p !== 'string'))) {
    throw new MstfError('PLUGIN_LOAD', `${file}: "plugins" must be an array of module names or paths`);
  }
  return cfg;
}

/** Import a plugin module by path (relative to cwd) or package name (resolved from cwd). */
export async function importPlugin(spec: string, cwd: string): Promise<PluginManifest<any>> {
  let url: string;
  const asPath = path.resolve(cwd, spec);
  const looksLikePath = spec.startsWith('.') || path.isAbsolute(spec) || fs.existsSync(asPath);
  try {
    if (looksLikePath) {
      if (!fs.existsSync(asPath)) throw new Error(`no such file or directory: ${asPath}`);
      url = pathToFileURL(resolveEntry(asPath)).href;
    } else {
      const req = createRequire(path.join(cwd, 'package.json'));
      let resolved: string;
      try {
        resolved = req.resolve(spec);
      } catch {
        resolved = spec; // let import() try (ESM-only packages without a "require" condition)
      }
      url = resolved === spec ? spec : pathToFileURL(resolved).href;
    }
  } catch (e) {
    throw new MstfError('PLUGIN_LOAD', `plugin ${spec}: cannot resolve (${messageOf(e)})`);
  }
  let mod: Record<string, unknown>;
  try {
    mod = (await import(url)) as Record<string, unknown>;
  } catch (e) {
    throw new MstfError('PLUGIN_LOAD', `plugin ${spec}: cannot import (${messageOf(e)})`);
  }
  const manifest = (mod.default ?? mod.plugin) as PluginManifest<any> | undefined;
  if (!manifest || typeof manifest !== 'object' || typeof manifest.register !== 'function') {
    throw new MstfError(
      'PLUGIN_LOAD',
      `plugin ${spec}: the module must export a definePlugin({...}) manifest as default export`,
    );
  }
  return manifest;
}

function resolveEntry(p: string): string {
  if (!fs.statSync(p).isDirectory()) return p;
  const pkgFile = path.join(p, 'package.json');
  if (fs.existsSync(pkgFile)) {
    const pkg = JSON.parse(fs.readFileSync(pkgFile, 'utf8')) as {
      main?: string;
      exports?: string | Record<string, unknown>;
    };
    const exp = pkg.exports;
    const fromExports =
      typeof exp === 'string'
        ? exp
        : exp && typeof exp['.'] === 'string'
          ? (exp['.'] as string)
          : exp && typeof exp['.'] === 'object'
            ? ((exp['.'] as Record<string, string>).import ?? (exp['.'] as Record<string, string>).default)
            : undefined;
    const entry = fromExports ?? pkg.main ?? 'index.js';
    return path.join(p, entry);
  }
  return path.join(p, 'index.js');
}

function checkManifest(m: PluginManifest<any>, source: string): void {
  const who = m?.name ? `plugin ${m.name}` : `plugin ${source}`;
  for (const field of ['name', 'version', 'apiVersion'] as const) {
    if (typeof m[field] !== 'string' || !m[field]) {
      throw new MstfError('PLUGIN_LOAD', `${who}: manifest field "${field}" is missing`);
    }
  }
  if (!semver.validRange(m.apiVersion)) {
    throw new MstfError('PLUGIN_API_VERSION', `${who}: apiVersion "${m.apiVersion}" is not a semver range`);
  }
  if (!semver.satisfies(KERNEL_API_VERSION, m.apiVersion)) {
    throw new MstfError(
      'PLUGIN_API_VERSION',
      `${who}: needs kernel API ${m.apiVersion}, this mstf provides ${KERNEL_API_VERSION}`,
    );
  }
  if (!m.provides || typeof m.provides !== 'object') {
    throw new MstfError('PLUGIN_LOAD', `${who}: manifest field "provides" is missing`);
  }
  for (const kind of Object.keys(m.provides)) {
    if (!(EXTENSION_KINDS as readonly string[]).includes(kind)) {
      throw new MstfError(
        'PLUGIN_LOAD',
        `${who}: unknown extension kind "${kind}" (kinds: ${EXTENSION_KINDS.join(', ')})`,
      );
    }
  }
}

/**
 * Boot: load built-in, config-file and --plugin plugins in that order, register their extensions,
 * validate every extension's options with its zod schema, then freeze the registries. Any failure is
 * one MstfError naming the plugin and the reason, before any work starts.
 */
export async function bootKernel(opts: BootOptions): Promise<Kernel> {
  const { settings } = opts;
  const config = opts.config ?? readConfig(settings.cwd);
  const container = rootContainer.createChildContainer();
  const registries = new Map<ExtensionKind, ExtensionRegistry<any>>();
  for (const kind of EXTENSION_KINDS) {
    const reg = new ExtensionRegistry(kind);
    registries.set(kind, reg);
    container.registerInstance(Tokens[kind] as never, reg as never);
  }
  container.registerInstance(SettingsToken, settings);

  const sources: { manifest: PluginManifest<any>; source: string }[] = opts.builtins.map((m) => ({
    manifest: m,
    source: 'builtin',
  }));
  for (const spec of [...(config.plugins ?? []), ...(opts.extraPlugins ?? [])]) {
    sources.push({ manifest: await importPlugin(spec, settings.cwd), source: spec });
  }

  const loaded: LoadedPlugin[] = [];
  const seenPlugins = new Map<string, string>();
  for (const { manifest, source } of sources) {
    checkManifest(manifest, source);
    if (seenPlugins.has(manifest.name)) {
      // The same plugin listed twice (config and --plugin): load it once.
      continue;
    }
    seenPlugins.set(manifest.name, source);
    const who = `plugin ${manifest.name}`;
    let pluginConfig: unknown = config.pluginConfig?.[manifest.name] ?? {};
    if (manifest.configSchema) {
      const r = manifest.configSchema.safeParse(pluginConfig);
      if (!r.success) throw new MstfError('PLUGIN_OPTIONS', `${who}: invalid configuration (${zodLine(r.error)})`);
      pluginConfig = r.data;
    }
    const added: { kind: ExtensionKind; id: string }[] = [];
    const ctx = {
      config: pluginConfig,
      add: <K extends ExtensionKind>(kind: K, extension: ExtensionTypes[K]) => {
        const declared: string[] = manifest.provides[kind] ?? [];
        if (!extension || typeof extension.id !== 'string') {
          throw new MstfError('PLUGIN_LOAD', `${who}: ${kind} extension without an id`);
        }
        if (!declared.includes(extension.id as string)) {
          throw new MstfError(
            'PLUGIN_LOAD',
            `${who}: registers ${kind} "${extension.id}" but its manifest "provides" does not list it`,
          );
        }
        const given = config.options?.[kind]?.[extension.id];
        let options: unknown = given ?? {};
        if (extension.optionsSchema) {
          const r = extension.optionsSchema.safeParse(options);
          if (!r.success) {
            throw new MstfError(
              'PLUGIN_OPTIONS',
              `${who}: invalid options for ${kind} "${extension.id}" (${zodLine(r.error)})`,
            );
          }
          options = r.data;
        }
        registries.get(kind)!.add({ kind, extension, plugin: manifest.name, version: manifest.version, options });
        added.push({ kind, id: extension.id });
      },
    };
    try {
      await manifest.register(ctx);
    } catch (e) {
      if (e instanceof MstfError) throw e;
      throw new MstfError('PLUGIN_LOAD', `${who}: register() failed (${messageOf(e)})`);
    }
    for (const [kind, ids] of Object.entries(manifest.provides) as [ExtensionKind, string[]][]) {
      for (const id of ids) {
        if (!added.some((a) => a.kind === kind && a.id === id)) {
          throw new MstfError('PLUGIN_LOAD', `${who}: manifest provides ${kind} "${id}" but register() did not add it`);
        }
      }
    }
    loaded.push({ name: manifest.name, version: manifest.version, source });
  }
  // Options or plugin configuration for something no plugin provides: a typo (e.g. "jacobcov") must not be ignored.
  for (const [kind, byId] of Object.entries(config.options ?? {}) as [ExtensionKind, Record<string, unknown>][]) {
    for (const id of Object.keys(byId ?? {})) {
      if (!registries.get(kind)!.has(id)) {
        throw new MstfError('INVALID_ARGUMENT', `${CONFIG_FILE}: options.${kind}: no ${kind} "${id}" is registered`);
      }
    }
  }
  for (const name of Object.keys(config.pluginConfig ?? {})) {
    if (!seenPlugins.has(name))
      throw new MstfError('INVALID_ARGUMENT', `${CONFIG_FILE}: pluginConfig: no plugin "${name}" is loaded`);
  }
  for (const reg of registries.values()) reg.freeze();
  const boot: BootInfo = { plugins: loaded, config, extraPlugins: [...(opts.extraPlugins ?? [])] };
  container.registerInstance(BootToken, boot);

  return {
    container,
    settings,
    plugins: loaded,
    boot,
    registry: <K extends ExtensionKind>(kind: K) => registries.get(kind)! as ExtensionRegistry<K>,
    optionsOf: (kind, id) => registries.get(kind)!.entry(id).options,
  };
}
