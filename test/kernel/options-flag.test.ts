/**
 * The one options contract: `--option <kind>.<id>.<key>=<value>` next to mstf.config.json (the flag wins,
 * key by key), validated once at boot; and a search's budget knobs reach a space or optimizer only through
 * its `budget` declaration. The CLI cases run the built dist/ (npm test's pretest builds it).
 */
import 'reflect-metadata';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MstfError } from '../../core/errors.js';
import { bootKernel, definePlugin, resolveSettings } from '../../core/kernel/index.js';
import { mergeOptionSettings, parseOptionFlag, withBudget } from '../../core/kernel/options.js';
import type { SearchSpace } from '../../core/contracts/search-space.js';
import { builtinPlugins } from '../../plugins/index.js';
import { runCli, tempDir } from '../helpers/cli.js';

const dirs: string[] = [];
function workspace(config?: unknown): string {
  const dir = tempDir();
  dirs.push(dir);
  if (config !== undefined) fs.writeFileSync(path.join(dir, 'mstf.config.json'), JSON.stringify(config));
  return dir;
}
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

function thrown(f: () => unknown): MstfError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(MstfError);
    expect((e as Error).message).not.toContain('\n');
    return e as MstfError;
  }
  throw new Error('no error');
}

describe('--option parsing', () => {
  it('values are JSON when they parse, else strings; the id may contain dots', () => {
    expect(parseOptionFlag('optimizer.nsga2.population=12').value).toBe(12);
    expect(parseOptionFlag('optimizer.nsga2.mutationProb=0.25').value).toBe(0.25);
    expect(parseOptionFlag('dataset.x.flag=true').value).toBe(true);
    expect(parseOptionFlag('dataset.x.list=[1,2]').value).toEqual([1, 2]);
    expect(parseOptionFlag('indicator.jacob_cov.method=bits').value).toBe('bits');
    expect(parseOptionFlag('indicator.jacob_cov.method="12"').value).toBe('12');
    expect(parseOptionFlag('indicator.jacob_cov.method=a=b').value).toBe('a=b');
    expect(parseOptionFlag('searchSpace.my.space.v2.width=8')).toMatchObject({
      kind: 'searchSpace',
      id: 'my.space.v2',
      key: 'width',
      value: 8,
    });
  });

  it('malformed names and unknown kinds are one line', () => {
    expect(thrown(() => parseOptionFlag('indicator.jacob_cov')).message).toMatch(/no "="/);
    expect(thrown(() => parseOptionFlag('jacob_cov.method=bits')).message).toMatch(/three parts/);
    expect(thrown(() => parseOptionFlag('indicators.jacob_cov.method=bits')).message).toMatch(
      /unknown extension kind "indicators" \(known: searchSpace, indicator,/,
    );
  });

  it('the flag wins over the config file key by key; other keys of the file stay', () => {
    const file = { optimizer: { nsga2: { population: 10, etaC: 20 } }, dataset: { breastmnist: { size: 28 } } };
    const merged = mergeOptionSettings(file, [parseOptionFlag('optimizer.nsga2.population=12')]);
    expect(merged).toEqual({
      optimizer: { nsga2: { population: 12, etaC: 20 } },
      dataset: { breastmnist: { size: 28 } },
    });
    expect(file.optimizer.nsga2.population).toBe(10); // the file's object is not changed
  });
});

describe('--option at boot', () => {
  it('validated once at boot, as a config file value is; workers booted from boot.config get the same', async () => {
    const settings = resolveSettings({ cwd: workspace({ options: { optimizer: { nsga2: { population: 10 } } } }) });
    const k = await bootKernel({
      settings,
      builtins: builtinPlugins,
      options: ['optimizer.nsga2.offspring=6', 'optimizer.nsga2.population=12'],
    });
    expect(k.optionsOf('optimizer', 'nsga2')).toMatchObject({ population: 12, offspring: 6 });
    expect(k.boot.options).toEqual(['optimizer.nsga2.offspring=6', 'optimizer.nsga2.population=12']);
    // An evaluation worker boots from the spec's boot.config (core/evaluation/runtime.ts): same options.
    const worker = await bootKernel({ settings, builtins: builtinPlugins, config: k.boot.config });
    expect(worker.optionsOf('optimizer', 'nsga2')).toEqual(k.optionsOf('optimizer', 'nsga2'));
    k.dispose();
    worker.dispose();

    const line = async (options: string[]) => {
      try {
        await bootKernel({ settings, builtins: builtinPlugins, options });
      } catch (e) {
        expect(e).toBeInstanceOf(MstfError);
        return (e as Error).message;
      }
      throw new Error('no error');
    };
    expect(await line(['optimizer.nsga2.populaton=3'])).toBe(
      '--option optimizer.nsga2.populaton=3: optimizer "nsga2" has no option "populaton" (options: population, offspring, crossoverProb, etaC, etaM, mutationProb, duplicateRetries)',
    );
    expect(await line(['optimizer.nsga3.population=3'])).toBe(
      '--option optimizer.nsga3.population=3: no optimizer "nsga3" is registered (known: nsga2, random)',
    );
    expect(await line(['optimizer.nsga2.population=0'])).toMatch(
      /^plugin @mstf\/optimizer-nsga2: invalid options for optimizer "nsga2" \(population: /,
    );
  });
});

describe('budget declarations', () => {
  const widthSpace = (budget?: SearchSpace['budget']): SearchSpace<{ width: number }> => ({
    kind: 'searchSpace',
    id: 'wide',
    description: 'test space with a width option',
    optionsSchema: z.strictObject({ width: z.number().int().min(2).default(4) }),
    ...(budget ? { budget } : {}),
    create: () => {
      throw new Error('not used');
    },
  });
  const bootWith = (space: SearchSpace<any>) =>
    bootKernel({
      settings: resolveSettings({ cwd: workspace() }),
      builtins: [
        definePlugin({
          name: 'test-wide',
          version: '1.0.0',
          apiVersion: '^1.0.0',
          provides: { searchSpace: ['wide'] },
          register: (ctx) => ctx.add('searchSpace', space),
        }),
      ],
    });

  it('a knob reaches the option the extension declares for it, validated by its schema', async () => {
    const k = await bootWith(widthSpace({ channels: 'width' }));
    expect(withBudget(k, 'searchSpace', 'wide', { presets: { channels: 16 } }, 'search space')).toEqual({ width: 16 });
    expect(
      withBudget(k, 'searchSpace', 'wide', { presets: { channels: 16 }, explicit: { channels: 8 } }, 'search space'),
    ).toEqual({ width: 8 });
    expect(
      thrown(() => withBudget(k, 'searchSpace', 'wide', { explicit: { channels: 1 } }, 'search space')).message,
    ).toMatch(/^search space "wide": width: /);
    expect(
      thrown(() => withBudget(k, 'searchSpace', 'wide', { explicit: { blocks: 3 } }, 'search space')).message,
    ).toBe('search space "wide" has no option "blocks"');
  });

  it('undeclared knobs from a preset are not applied, even when an option has the same name', async () => {
    const k = await bootWith(widthSpace());
    expect(withBudget(k, 'searchSpace', 'wide', { presets: { channels: 16, blocks: 3 } }, 'search space')).toEqual({
      width: 4,
    });
  });
});

describe('mstf --option (CLI, dist)', () => {
  const GENOTYPE = '1,0,6,1,6,2,6,2,3,1,3,3,3,1,0,0,7,0,2,1,1,2,1,1,4,3,0,1,1,0,1,1,0,2,7,3,2,2,5,4,5,4';
  const score = (cwd: string, extra: string[] = []) =>
    runCli(
      [
        'proxies',
        'score',
        '--space',
        'mstf',
        '--channels',
        '4',
        '--batch-size',
        '8',
        '--dataset',
        'breastmnist',
        '--genotype',
        GENOTYPE,
        '--indicators',
        'jacob_cov',
        '--backend',
        'cpu',
        '--json',
        ...extra,
      ],
      { cwd },
    );

  it('changes what the config file would change, and wins over it', async () => {
    // cpu backend: jacob_cov's `method: auto` counts with bits; `matmul` is the other implementation.
    const [plain, fromFile, fromFlag, flagOverFile] = await Promise.all([
      score(workspace()),
      score(workspace({ options: { indicator: { jacob_cov: { method: 'matmul' } } } })),
      score(workspace(), ['--option', 'indicator.jacob_cov.method=matmul']),
      score(workspace({ options: { indicator: { jacob_cov: { method: 'matmul' } } } }), [
        '--option',
        'indicator.jacob_cov.method=bits',
      ]),
    ]);
    for (const r of [plain, fromFile, fromFlag, flagOverFile]) expect(r.code, r.stderr).toBe(0);
    const out = [plain, fromFile, fromFlag, flagOverFile].map((r) => JSON.parse(r.stdout));
    expect(out.map((o) => o.details.jacob_cov.method)).toEqual(['bits', 'matmul', 'matmul', 'bits']);
    // The two ways of counting agree on the score (same K_H), so only the method differs.
    expect(out[0].scores.jacob_cov).toBeCloseTo(out[1].scores.jacob_cov, 6);
    expect(out[2].scores.jacob_cov).toBe(out[1].scores.jacob_cov);
    expect(out[3].scores.jacob_cov).toBe(out[0].scores.jacob_cov);
  });

  it('takes one value per flag: an argument after it stays an argument', async () => {
    const r = await runCli(['runs', 'show', '--option', 'optimizer.nsga2.population=3', 'nosuch'], {
      cwd: workspace(),
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^mstf: NOT_FOUND: no search "nosuch"/);
  });

  it('an unknown key fails before any work, with one line', async () => {
    const r = await runCli(['extensions', 'list', '--option', 'indicator.jacob_cov.methd=bits'], { cwd: workspace() });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'mstf: INVALID_ARGUMENT: --option indicator.jacob_cov.methd=bits: indicator "jacob_cov" has no option "methd" (options: method)\n',
    );
  });
});
