/**
 * The services a kernel's container carries next to the registries: the kernel itself, its run store and
 * the search and training services. Every process that boots a kernel (CLI command, MCP server, figure
 * thread, evaluation worker) resolves them the same way: `kernel.resolve(SearchService)`,
 * `kernel.resolve(KernelStore)`. Lifetimes: one of each per kernel (container-scoped singletons); the
 * store is opened on first use and closed by `kernel.dispose()`.
 */
import 'reflect-metadata';
import fs from 'node:fs';
import { inject, injectable, type DependencyContainer, type InjectionToken } from 'tsyringe';
import { MstfError } from '../errors.js';
import { RunStore } from '../store/run-store.js';
import { SettingsToken } from './tokens.js';
import type { Kernel } from './loader.js';
import type { Settings } from './settings.js';

/** The booted kernel itself (registries, options, settings, boot info) for services that need several of them. */
export const KernelToken = Symbol.for('mstf.kernel') as InjectionToken<Kernel>;

/**
 * The run store of one kernel, at settings.storePath: opened on first use (read-only when the command
 * only reads, settings.readOnlyStore), shared by every service of the kernel, closed by kernel.dispose().
 */
@injectable()
export class KernelStore {
  private opened?: RunStore;
  private disposed = false;

  constructor(@inject(SettingsToken) private readonly settings: Settings) {}

  /** The store, opened (and created when writable) on first use. */
  get(): RunStore {
    if (this.disposed) throw new MstfError('INTERNAL', 'the kernel was disposed: its run store is closed');
    this.opened ??= this.settings.readOnlyStore
      ? RunStore.openReadOnly(this.settings.storePath)
      : RunStore.open(this.settings.storePath);
    return this.opened;
  }

  /** The store, which must already exist (commands that read a search never create an empty store). */
  existing(): RunStore {
    if (!this.opened && !fs.existsSync(this.settings.storePath)) {
      throw new MstfError('NOT_FOUND', `no run store at ${this.settings.storePath} (use --store)`);
    }
    return this.get();
  }

  get isOpen(): boolean {
    return this.opened !== undefined;
  }

  /** Close the connection; a later get() opens it again. */
  close(): void {
    this.opened?.close();
    this.opened = undefined;
  }

  /** Close for good (kernel.dispose()). */
  dispose(): void {
    this.close();
    this.disposed = true;
  }
}

/**
 * Resolve a token from a kernel's container. A service class (`@injectable()`) resolved for the first
 * time is registered as a singleton of that container: two kernels never share a store or a service, one
 * kernel always hands out the same ones. Tokens (registries, settings, boot info) resolve to their instances.
 */
export function resolveIn<T>(container: DependencyContainer, token: InjectionToken<T>): T {
  if (typeof token === 'function' && !container.isRegistered(token, false)) {
    container.registerSingleton(token as new (...args: any[]) => T);
  }
  return container.resolve(token);
}
