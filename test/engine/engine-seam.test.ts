/**
 * The engine is an extension (#17): a plugin that registers another engine and is selected by
 * Settings.engine (`--engine`) builds every network the search's evaluation path builds. The test engine
 * wraps the built-in tfjs engine and counts compile() calls; the reference is the built-in engine's own
 * results on a kernel that does not select it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { definePlugin, bootKernel, resolveSettings, type Kernel } from '../../core/kernel/index.js';
import type { Engine } from '../../core/contracts/engine.js';
import { MstfError } from '../../core/errors.js';
import { engineOf } from '../../core/engine/select.js';
import { resolveSearchConfig } from '../../core/search/config.js';
import { evaluationSpec, resolveSetup } from '../../core/search/setup.js';
import { SearchService } from '../../core/search/service.js';
import { Rng } from '../../core/util/rng.js';
import { localExecutor } from '../../plugins/executor-local/index.js';
import { builtinPlugins } from '../../plugins/index.js';
import { tfjsEngine } from '../../plugins/engine-tfjs/index.js';
import { tempWorkspace } from '../search/helpers.js';

/** A plugin registering engine `counting`: the tfjs engine, counting the networks it compiles. */
function countingEnginePlugin() {
  const counter = { compiles: 0 };
  const counting: Engine = {
    ...tfjsEngine,
    id: 'counting',
    description: 'test fixture: the tfjs engine, counting compile() calls',
    compile(ir, opts) {
      counter.compiles++;
      return tfjsEngine.compile(ir, opts);
    },
  };
  const plugin = definePlugin({
    name: 'test-counting-engine',
    version: '0.0.1',
    apiVersion: '^1.0.0',
    provides: { engine: ['counting'] },
    register(ctx) {
      ctx.add('engine', counting);
    },
  });
  return { plugin, counter };
}

const workspaces: string[] = [];
afterAll(() => {
  for (const ws of workspaces) fs.rmSync(ws, { recursive: true, force: true });
});

function boot(plugin: ReturnType<typeof countingEnginePlugin>['plugin'], engine?: string): Promise<Kernel> {
  const cwd = tempWorkspace('mstf-engine-seam-');
  workspaces.push(cwd);
  return bootKernel({
    settings: resolveSettings({ cwd, store: path.join(cwd, '.mstf', 'mstf.db'), ...(engine ? { engine } : {}) }, {}),
    builtins: [...builtinPlugins, plugin],
    config: {},
  });
}

/** synflow compiles one network per candidate; params compiles none. Data-free: no dataset needed. */
const CONFIG = { indicators: ['synflow', 'params'], objective: 'pair', channels: 8, executor: 'local' };

/** Score `n` sampled candidates of the kernel's search setup through the local executor (the search's path). */
async function scoreCandidates(kernel: Kernel, n: number) {
  const setup = resolveSetup(kernel, resolveSearchConfig(CONFIG));
  const rng = new Rng(5);
  const genotypes = Array.from({ length: n }, () => setup.space.format(setup.space.sample(rng)));
  const spec = evaluationSpec(setup, kernel, undefined);
  const session = await localExecutor.open(spec, { searchId: 'seam', kernel });
  const rows = await session.evaluate(
    genotypes.map((genotype, index) => ({ index, genotype })),
    {},
  );
  await session.close();
  return { spec, rows };
}

describe('engine seam', () => {
  it('a plugin engine selected by Settings.engine builds every network; scores equal the built-in engine', async () => {
    const { plugin, counter } = countingEnginePlugin();
    const reference = await scoreCandidates(await boot(plugin), 4);
    expect(counter.compiles).toBe(0); // registered but not selected: the default engine (tfjs) did the work
    expect(reference.spec.boot.engine).toBeUndefined();

    const swapped = await scoreCandidates(await boot(plugin, 'counting'), 4);
    expect(swapped.spec.boot.engine).toBe('counting'); // the spec carries it to the executor's workers
    expect(counter.compiles).toBe(4); // one network per candidate (synflow), none for params
    for (const [i, row] of swapped.rows.entries()) {
      expect(row.state).toBe('ok');
      expect(Number.isFinite(row.scores.synflow)).toBe(true);
      expect(row.scores).toEqual(reference.rows[i]!.scores); // bit for bit
    }
  });

  it('a search run with the plugin engine selects the same architecture as with tfjs', async () => {
    const { plugin, counter } = countingEnginePlugin();
    const run = async (engine?: string) => {
      const service = SearchService.fromKernel(await boot(plugin, engine));
      const id = service.create({ ...CONFIG, population: 4, offspring: 4, generations: 1, seed: 7 });
      const summary = await service.run(id);
      const scores = service.store.candidates(id).map((c) => [c.genotype, c.scores]);
      service.close();
      return { summary, scores };
    };
    const reference = await run();
    expect(counter.compiles).toBe(0);
    const swapped = await run('counting');
    expect(swapped.summary.status).toBe('completed');
    expect(counter.compiles).toBeGreaterThan(0);
    expect(counter.compiles).toBeLessThanOrEqual(swapped.scores.length);
    expect(swapped.scores).toEqual(reference.scores);
    expect(swapped.summary.selected).toEqual(reference.summary.selected);
  });

  it('an unknown engine id is one line listing the known engines', async () => {
    const { plugin } = countingEnginePlugin();
    const kernel = await boot(plugin, 'nope');
    let err: unknown;
    try {
      engineOf(kernel);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(MstfError);
    expect((err as MstfError).message).toBe('unknown engine "nope" (known: counting, tfjs)');
    expect((err as MstfError).message).not.toContain('\n');
  });
});
