import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bootKernel, definePlugin, resolveSettings, type Kernel } from '../../core/kernel/index.js';
import type { PluginManifest } from '../../core/kernel/plugin.js';
import type { Indicator } from '../../core/contracts/indicator.js';
import type { Evaluated, Optimizer, OptimizerInstance } from '../../core/contracts/optimizer.js';
import type { Genotype } from '../../core/contracts/search-space.js';
import { builtinPlugins } from '../../plugins/index.js';

export function tempWorkspace(prefix = 'mstf-search-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A kernel with the built-in plugins plus `extra` fixtures, storing runs under `cwd`. */
export function bootWith(cwd: string, extra: PluginManifest<any>[] = []): Promise<Kernel> {
  return bootKernel({
    settings: resolveSettings({ cwd, store: path.join(cwd, '.mstf', 'mstf.db') }, {}),
    builtins: [...builtinPlugins, ...extra],
    config: {},
  });
}

/**
 * `flaky`: a data-free indicator whose score is the genotype's gene sum; its `throwOn`-th call throws
 * and its `nanOn`-th call returns NaN (calls counted from 1).
 */
export function flakyPlugin(opts: { throwOn: number; nanOn: number }) {
  const calls: string[] = [];
  const flaky: Indicator = {
    kind: 'indicator',
    id: 'flaky',
    description: 'test fixture: fails on purpose',
    needs: { data: false, labels: false, backward: false },
    score(ctx) {
      calls.push(String(ctx.ir.meta?.genotype));
      if (calls.length === opts.throwOn) throw new Error('flaky exploded on purpose');
      if (calls.length === opts.nanOn) return { score: Number.NaN };
      const genes = String(ctx.ir.meta?.genotype).split(',').map(Number);
      return { score: genes.reduce((a, b) => a + b, 0) };
    },
  };
  const plugin = definePlugin({
    name: 'test-flaky',
    version: '1.0.0',
    apiVersion: '^1.0.0',
    provides: { indicator: ['flaky'] },
    register(ctx) {
      ctx.add('indicator', flaky);
    },
  });
  return { plugin, calls };
}

/**
 * `fixed`: an optimizer that asks exactly the given genotypes once (one generation) and keeps the whole
 * pool as its population, so a test controls what gets evaluated (e.g. a degenerate network).
 */
export function fixedOptimizerPlugin(genotypes: Genotype[]) {
  const create = (): OptimizerInstance => {
    let pool: Evaluated[] = [];
    let told = false;
    return {
      ask: () => genotypes.map((g) => [...g]),
      tell: (p) => {
        pool = p.map((e) => ({ ...e, x: [...e.x] }));
        told = true;
      },
      population: () => pool,
      generation: () => (told ? 1 : 0),
      state: () => ({ pool, told }),
      restore: (s) => {
        ({ pool, told } = s as { pool: Evaluated[]; told: boolean });
      },
    };
  };
  const fixed: Optimizer = { kind: 'optimizer', id: 'fixed', description: 'test fixture', create };
  return definePlugin({
    name: 'test-fixed-optimizer',
    version: '1.0.0',
    apiVersion: '^1.0.0',
    provides: { optimizer: ['fixed'] },
    register(ctx) {
      ctx.add('optimizer', fixed);
    },
  });
}
