/**
 * DI carries the services: a kernel's container hands out the registries, its run store and the search and
 * training services, one of each per kernel, to the CLI (bootKernel as cli/base.ts does), the MCP server
 * (createContext / searchService) and worker kernels booted from a spec's boot info alike.
 */
import 'reflect-metadata';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MstfError } from '../../core/errors.js';
import { EXTENSION_KINDS } from '../../core/contracts/extension.js';
import { bootKernel, resolveSettings, Tokens, type Kernel } from '../../core/kernel/index.js';
import { KernelStore } from '../../core/kernel/services.js';
import { SearchService } from '../../core/search/service.js';
import { readMember } from '../../core/search/member.js';
import { TrainingService } from '../../core/training/service.js';
import { createContext } from '../../mcp-server/context.js';
import { searchService } from '../../mcp-server/searches.js';
import { builtinPlugins } from '../../plugins/index.js';
import { tempDir } from '../helpers/cli.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});
function boot(cwd = tempDir(), config = {}): Promise<Kernel> {
  dirs.push(cwd);
  return bootKernel({ settings: resolveSettings({ cwd }, {}), builtins: builtinPlugins, config });
}

describe('kernel services', () => {
  it('one search service, training service and store per kernel; registries are container lookups', async () => {
    const k = await boot();
    const service = k.resolve(SearchService);
    expect(k.resolve(SearchService)).toBe(service);
    expect(SearchService.fromKernel(k)).toBe(service);
    expect(k.resolve(TrainingService)).toBe(k.resolve(TrainingService));
    expect(k.resolve(KernelStore)).toBe(k.resolve(KernelStore));
    // The store opens on first use, at settings.storePath, and the service uses the kernel's one.
    expect(k.resolve(KernelStore).isOpen).toBe(false);
    expect(fs.existsSync(k.settings.storePath)).toBe(false);
    expect(service.store).toBe(k.resolve(KernelStore).get());
    expect(service.store.file).toBe(k.settings.storePath);
    expect(fs.existsSync(k.settings.storePath)).toBe(true);
    for (const kind of EXTENSION_KINDS) expect(k.registry(kind)).toBe(k.resolve<unknown>(Tokens[kind]));
    k.dispose();
  });

  it('two kernels never share a service or a store', async () => {
    const a = await boot();
    const b = await boot();
    expect(a.resolve(SearchService)).not.toBe(b.resolve(SearchService));
    expect(a.resolve(TrainingService)).not.toBe(b.resolve(TrainingService));
    expect(a.resolve(SearchService).store).not.toBe(b.resolve(SearchService).store);
    expect(a.resolve(SearchService).store.file).not.toBe(b.resolve(SearchService).store.file);
    a.dispose();
    b.dispose();
  });

  it('the MCP server reads through the same service and store as its kernel', async () => {
    const k = await boot();
    const ctx = createContext({ kernel: k, log: () => {} });
    expect(searchService(ctx)).toBe(k.resolve(SearchService));
    expect(searchService(ctx).store).toBe(k.resolve(KernelStore).get());
    k.dispose();
  });

  it("the MCP server's child processes get its --option values", async () => {
    const cwd = tempDir();
    dirs.push(cwd);
    const k = await bootKernel({
      settings: resolveSettings({ cwd }, {}),
      builtins: builtinPlugins,
      config: {},
      options: ['indicator.jacob_cov.method=bits'],
    });
    const ctx = createContext({ kernel: k, log: () => {} });
    const i = ctx.childFlags.indexOf('--option');
    expect(ctx.childFlags.slice(i, i + 2)).toEqual(['--option', 'indicator.jacob_cov.method=bits']);
    expect(k.optionsOf('indicator', 'jacob_cov')).toEqual({ method: 'bits' });
    k.dispose();
  });

  it('a worker kernel booted from the boot info has the same extensions and options, and its own store', async () => {
    const k = await boot(tempDir(), { options: { optimizer: { nsga2: { population: 7 } } } });
    const workerDir = tempDir();
    dirs.push(workerDir);
    const worker = await bootKernel({
      settings: resolveSettings({ cwd: workerDir }, {}),
      builtins: builtinPlugins,
      config: k.boot.config,
      extraPlugins: k.boot.extraPlugins,
    });
    for (const kind of EXTENSION_KINDS) expect(worker.registry(kind).ids()).toEqual(k.registry(kind).ids());
    expect(worker.optionsOf('optimizer', 'nsga2')).toEqual(k.optionsOf('optimizer', 'nsga2'));
    expect(worker.resolve(KernelStore)).not.toBe(k.resolve(KernelStore));
    k.dispose();
    worker.dispose();
  });

  it('dispose() closes the store for good; reading a search never creates an empty store', async () => {
    const k = await boot();
    const missing = (() => {
      try {
        readMember(k, 'nope');
      } catch (e) {
        return e as MstfError;
      }
      throw new Error('no error');
    })();
    expect(missing).toBeInstanceOf(MstfError);
    expect(missing.code).toBe('NOT_FOUND');
    expect(fs.existsSync(k.settings.storePath)).toBe(false);

    const store = k.resolve(SearchService).store;
    expect(store.listSearches()).toEqual([]);
    k.dispose();
    k.dispose(); // idempotent
    expect(() => store.listSearches()).toThrow();
    expect(() => k.resolve(KernelStore).get()).toThrow(/disposed/);
    expect(path.dirname(k.settings.storePath)).toBe(path.join(k.settings.cwd, '.mstf'));
  });
});
