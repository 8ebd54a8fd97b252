import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bootKernel, resolveSettings, type MstfConfig } from '../../core/kernel/index.js';
import { SearchService } from '../../core/search/service.js';
import { resolveSearchConfig } from '../../core/search/config.js';
import { firstOptionDifference } from '../../core/search/options-record.js';
import { builtinPlugins } from '../../plugins/index.js';
import { flakyPlugin, tempWorkspace } from './helpers.js';

const workspaces: string[] = [];
afterAll(() => {
  for (const ws of workspaces) fs.rmSync(ws, { recursive: true, force: true });
});

/** Data- and network-free (the flaky fixture never fails here), one generation of 4: about a second. */
const TINY = {
  indicators: ['flaky', 'params'],
  channels: 8,
  executor: 'local',
  population: 4,
  offspring: 4,
  generations: 1,
  seed: 5,
};

/** Two processes' kernels on one store: booted with different mstf.config.json options. */
async function serviceIn(ws: string, config: MstfConfig): Promise<SearchService> {
  const { plugin } = flakyPlugin({ throwOn: -1, nanOn: -1 });
  const kernel = await bootKernel({
    settings: resolveSettings({ cwd: ws, store: path.join(ws, '.mstf', 'mstf.db') }, {}),
    builtins: [...builtinPlugins, plugin],
    config,
  });
  return SearchService.fromKernel(kernel);
}

describe('the options a search was created with', () => {
  it('the first difference is named by path; key order and unset members do not count', () => {
    expect(firstOptionDifference({ a: { x: 1, y: [1, 2] } }, { a: { y: [1, 2], x: 1 } })).toBeUndefined();
    expect(firstOptionDifference({ a: { x: 1, z: undefined } }, { a: { x: 1 } })).toBeUndefined();
    expect(firstOptionDifference({ a: { x: 1 } }, { a: { x: 2 } })).toBe('a.x: 1 when created, 2 now');
    expect(firstOptionDifference({ a: { x: 1 } }, { a: { x: 1, w: 'bits' } })).toBe(
      'a.w: unset when created, "bits" now',
    );
    expect(firstOptionDifference({ a: { v: [1, 2] } }, { a: { v: [2, 1] } })).toBe(
      'a.v: [1,2] when created, [2,1] now',
    );
  });

  it('are stored at create; a run booted with other options is refused in one line and changes nothing', async () => {
    const ws = tempWorkspace();
    workspaces.push(ws);
    const creator = await serviceIn(ws, {});
    const id = creator.create(TINY);
    const stored = creator.store.requireSearch(id).options!;
    // NSGA-II's documented defaults (docs/optimizers.md, pymoo's): crossover 0.9, SBX eta 15; the budget knobs applied.
    expect(stored['optimizer.nsga2']).toMatchObject({ crossoverProb: 0.9, etaC: 15, population: 4, offspring: 4 });
    expect(Object.keys(stored).sort()).toEqual([
      'dataset.breastmnist',
      'indicator.flaky',
      'indicator.flops',
      'indicator.params',
      'objective.mstf-eq5',
      'optimizer.nsga2',
      'searchSpace.mstf',
    ]);

    const other = await serviceIn(ws, { options: { optimizer: { nsga2: { crossoverProb: 0.5 } } } });
    const refusal = await other.run(id).then(
      () => 'ran',
      (e: Error) => e.message,
    );
    expect(refusal).toBe(
      `search ${id} was created with other extension options (optimizer.nsga2.crossoverProb: 0.9 when created, 0.5 now); run it with the same mstf.config.json options and --option values`,
    );
    expect(other.store.requireSearch(id).status).toBe('queued');
    expect(other.store.candidates(id)).toHaveLength(0);
    other.close();

    // The same options (here: the same defaults) run it.
    const again = await serviceIn(ws, {});
    expect((await again.run(id)).status).toBe('completed');
    again.close();
    creator.close();
  });

  it('a search stored before options were recorded (schema < 4) runs without the check', async () => {
    const ws = tempWorkspace();
    workspaces.push(ws);
    const other = await serviceIn(ws, { options: { optimizer: { nsga2: { crossoverProb: 0.5 } } } });
    const id = other.store.createSearch(resolveSearchConfig(TINY));
    expect(other.store.requireSearch(id).options).toBeNull();
    expect((await other.run(id)).status).toBe('completed');
    other.close();
  });
});
