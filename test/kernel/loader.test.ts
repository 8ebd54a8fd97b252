import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { bootKernel, definePlugin, KERNEL_API_VERSION, resolveSettings, Tokens } from '../../core/kernel/index.js';
import { MstfError } from '../../core/errors.js';
import type { Indicator } from '../../core/contracts/indicator.js';
import { repoRoot, tempDir } from '../helpers/cli.js';

function indicator(id: string, optionsSchema?: z.ZodType<unknown>): Indicator<any> {
  return {
    kind: 'indicator',
    id,
    description: `test indicator ${id}`,
    needs: { data: false, labels: false, backward: false },
    optionsSchema,
    score: () => ({ score: 1 }),
  };
}

function plugin(name: string, ids: string[], extra: Partial<Parameters<typeof definePlugin>[0]> = {}) {
  return definePlugin({
    name,
    version: '1.0.0',
    apiVersion: '^1.0.0',
    provides: { indicator: ids },
    register(ctx) {
      for (const id of ids) ctx.add('indicator', indicator(id));
    },
    ...extra,
  });
}

const settings = () => resolveSettings({ cwd: tempDir() });

async function bootError(p: Promise<unknown>): Promise<MstfError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(MstfError);
    return e as MstfError;
  }
  throw new Error('expected boot to fail');
}

describe('plugin loader', () => {
  it('registers extensions per kind, resolvable through the injection token, and freezes the registries', async () => {
    const k = await bootKernel({ settings: settings(), builtins: [plugin('a', ['x', 'y'])] });
    const reg = k.container.resolve(Tokens.indicator);
    expect(reg.ids().sort()).toEqual(['x', 'y']);
    expect(reg.entry('x').plugin).toBe('a');
    expect(reg.isFrozen).toBe(true);
    expect(() =>
      reg.add({ kind: 'indicator', extension: indicator('z'), plugin: 'late', version: '1', options: {} }),
    ).toThrow(/cannot register indicator "z" after boot/);
    expect(() => reg.get('nope')).toThrow(/unknown indicator "nope" \(known: x, y\)/);
  });

  it('refuses a duplicate extension id, naming both plugins', async () => {
    const e = await bootError(
      bootKernel({
        settings: settings(),
        builtins: [plugin('first-plugin', ['dup']), plugin('second-plugin', ['dup'])],
      }),
    );
    expect(e.code).toBe('PLUGIN_DUPLICATE');
    expect(e.message).toBe('plugin second-plugin: indicator id "dup" is already registered by plugin first-plugin');
    expect(e.message).not.toContain('\n');
  });

  it('refuses an incompatible apiVersion with the kernel version in the message', async () => {
    const e = await bootError(
      bootKernel({ settings: settings(), builtins: [plugin('old-plugin', ['a'], { apiVersion: '^0.3.0' })] }),
    );
    expect(e.code).toBe('PLUGIN_API_VERSION');
    expect(e.message).toBe(`plugin old-plugin: needs kernel API ^0.3.0, this mstf provides ${KERNEL_API_VERSION}`);
    const bad = await bootError(
      bootKernel({ settings: settings(), builtins: [plugin('weird', ['a'], { apiVersion: 'banana' })] }),
    );
    expect(bad.message).toBe('plugin weird: apiVersion "banana" is not a semver range');
  });

  it('validates extension options with their zod schema before any work starts', async () => {
    const withOptions = definePlugin({
      name: 'opt-plugin',
      version: '1.0.0',
      apiVersion: '^1.0.0',
      provides: { indicator: ['tuned'] },
      register(ctx) {
        ctx.add('indicator', indicator('tuned', z.object({ eps: z.number().positive().default(0.5) })));
      },
    });
    const ok = await bootKernel({ settings: settings(), builtins: [withOptions] });
    expect(ok.optionsOf('indicator', 'tuned')).toEqual({ eps: 0.5 });
    const set = await bootKernel({
      settings: settings(),
      builtins: [withOptions],
      config: { options: { indicator: { tuned: { eps: 2 } } } },
    });
    expect(set.optionsOf('indicator', 'tuned')).toEqual({ eps: 2 });
    const e = await bootError(
      bootKernel({
        settings: settings(),
        builtins: [withOptions],
        config: { options: { indicator: { tuned: { eps: -1 } } } },
      }),
    );
    expect(e.code).toBe('PLUGIN_OPTIONS');
    expect(e.message).toMatch(/^plugin opt-plugin: invalid options for indicator "tuned" \(eps: .+\)$/);
  });

  it('checks the manifest: provides must match what register() adds', async () => {
    const undeclared = definePlugin({
      name: 'sneaky',
      version: '1.0.0',
      apiVersion: '^1.0.0',
      provides: { indicator: ['a'] },
      register(ctx) {
        ctx.add('indicator', indicator('a'));
        ctx.add('indicator', indicator('b'));
      },
    });
    expect((await bootError(bootKernel({ settings: settings(), builtins: [undeclared] }))).message).toBe(
      'plugin sneaky: registers indicator "b" but its manifest "provides" does not list it',
    );
    const missing = plugin('lazy', ['a'], { register: () => {} });
    expect((await bootError(bootKernel({ settings: settings(), builtins: [missing] }))).message).toBe(
      'plugin lazy: manifest provides indicator "a" but register() did not add it',
    );
  });

  it('loads a third-party plugin from mstf.config.json and reports unresolvable ones in one line', async () => {
    const cwd = tempDir();
    const fixture = path.join(repoRoot, 'test', 'fixtures', 'example-plugin');
    fs.writeFileSync(path.join(cwd, 'mstf.config.json'), JSON.stringify({ plugins: [fixture] }));
    const k = await bootKernel({ settings: resolveSettings({ cwd }), builtins: [] });
    expect(k.registry('indicator').entry('layer_depth').plugin).toBe('mstf-plugin-example');
    expect(k.plugins.map((p) => p.source)).toEqual([fixture]);

    const e = await bootError(
      bootKernel({ settings: resolveSettings({ cwd }), builtins: [], extraPlugins: ['./no-such-plugin'] }),
    );
    expect(e.code).toBe('PLUGIN_LOAD');
    expect(e.message).toMatch(
      /^plugin \.\/no-such-plugin: cannot resolve \(no such file or directory: .*no-such-plugin\)$/,
    );
  });

  it('reports a broken config file in one line', async () => {
    const cwd = tempDir();
    fs.writeFileSync(path.join(cwd, 'mstf.config.json'), '{ "plugins": [');
    const e = await bootError(bootKernel({ settings: resolveSettings({ cwd }), builtins: [] }));
    expect(e.message).toMatch(/mstf\.config\.json: not valid JSON/);
  });
});
