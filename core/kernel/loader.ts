import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import semver from 'semver';
import { container as rootContainer, type DependencyContainer, type InjectionToken } from 'tsyringe';
import { MstfError, messageOf, zodLine } from '../errors.js';
import { EXTENSION_KINDS, type ExtensionKind } from '../contracts/extension.js';
import { KERNEL_API_VERSION, type PluginManifest } from './plugin.js';
import { ExtensionRegistry } from './registry.js';
import { BootToken, SettingsToken, Tokens, type ExtensionTypes } from './tokens.js';
import type { Settings } from './settings.js';
import { KernelStore, KernelToken, resolveIn } from './services.js';
import { checkOptionKey, mergeOptionSettings, parseOptionFlag } from './options.js';

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

/**
 * A booted kernel: a tsyringe child container holding the registries, the settings, the boot info and the
 * services (core/kernel/services.ts). `resolve` is the one way to get any of them; `registry(kind)` is
 * `resolve(Tokens[kind])`.
 */
export interface Kernel {
  container: DependencyContainer;
  settings: Settings;
  plugins: LoadedPlugin[];
  /** What it was booted from, so another process or thread can boot the same kernel (evaluation workers). */
  boot: BootInfo;
  /** A service (`kernel.resolve(SearchService)`, `kernel.resolve(KernelStore)`) or token, one per kernel. */
  resolve<T>(token: InjectionToken<T>): T;
  /** The registry of one extension kind: `resolve(Tokens[kind])`. */
  registry<K extends ExtensionKind>(kind: K): ExtensionRegistry<K>;
  /** The options an extension was booted with (config file and --option, validated, defaults applied). */
  optionsOf(kind: ExtensionKind, id: string): unknown;
  /** Close what the kernel opened (its run store). Idempotent. */
  dispose(): void;
}

/** The plugins a kernel loaded and the inputs that chose them. */
export interface BootInfo {
  plugins: LoadedPlugin[];
  /** The configuration in effect: mstf.config.json with the --option values laid over its `options`. */
  config: MstfConfig;
  extraPlugins: string[];
  /** The --option values as given (`<kind>.<id>.<key>=<value>`), for processes started with the same flags. */
  options: string[];
}

export interface BootOptions {
  settings: Settings;
  /** Built-in plugins (the CLI passes plugins/index.ts; core never imports a plugin). */
  builtins: PluginManifest<any>[];
  /** --plugin values (module names or paths), loaded after mstf.config.json's. */
  extraPlugins?: string[];
  /** Explicit config; default: <cwd>/mstf.config.json when present. */
  config?: MstfConfig;
  /** --option values, `<kind>.<id>.<key>=<value>` (JSON when it parses, else a string); they win over the config. */
  options?: string[];
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
  const fileConfig = opts.config ?? readConfig(settings.cwd);
  // The one place options are read: the config file, then --option key by key (parsed before any plugin loads).
  const optionSettings = (opts.options ?? []).map(parseOptionFlag);
  const mergedOptions = mergeOptionSettings(fileConfig.options, optionSettings);
  const config: MstfConfig = mergedOptions ? { ...fileConfig, options: mergedOptions } : fileConfig;
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
        for (const s of optionSettings) {
          if (s.kind === kind && s.id === extension.id) checkOptionKey(s, extension.optionsSchema);
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
  for (const s of optionSettings) {
    if (!registries.get(s.kind)!.has(s.id)) {
      const known = registries.get(s.kind)!.ids().sort().join(', ') || 'none';
      throw new MstfError(
        'INVALID_ARGUMENT',
        `--option ${s.flag}: no ${s.kind} "${s.id}" is registered (known: ${known})`,
      );
    }
  }
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
  const boot: BootInfo = {
    plugins: loaded,
    config,
    extraPlugins: [...(opts.extraPlugins ?? [])],
    options: [...(opts.options ?? [])],
  };
  container.registerInstance(BootToken, boot);

  const resolve = <T>(token: InjectionToken<T>): T => resolveIn(container, token);
  const registry = <K extends ExtensionKind>(kind: K) => resolve(Tokens[kind] as InjectionToken<ExtensionRegistry<K>>);
  const kernel: Kernel = {
    container,
    settings,
    plugins: loaded,
    boot,
    resolve,
    registry,
    optionsOf: (kind, id) => registry(kind).entry(id).options,
    dispose: () => resolve(KernelStore).dispose(),
  };
  container.registerInstance(KernelToken, kernel);
  container.registerSingleton(KernelStore);
  return kernel;
}
