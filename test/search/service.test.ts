import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SearchService } from '../../core/search/service.js';
import { resolveSearchConfig } from '../../core/search/config.js';
import { MstfError } from '../../core/errors.js';
import { candidatesToCsv, exportCandidates } from '../../core/search/export.js';
import { plottedGenerations, writeReport } from '../../core/search/report.js';
import type { SearchEvent } from '../../core/search/events.js';
import { bootWith, fixedOptimizerPlugin, flakyPlugin, tempWorkspace } from './helpers.js';

const workspaces: string[] = [];
function workspace(): string {
  const ws = tempWorkspace();
  workspaces.push(ws);
  return ws;
}
afterAll(() => {
  for (const ws of workspaces) fs.rmSync(ws, { recursive: true, force: true });
});

/**
 * Data- and network-free indicators: these tests are about the loop and the store, not the scores. `local`:
 * the flaky fixture plugin exists only in this process (pool threads would refuse the plugin set).
 */
const FAST = { indicators: ['flaky', 'params'], channels: 8, executor: 'local' };

describe('search config', () => {
  it('fills budgets from the preset; explicit values win', () => {
    const cpu = resolveSearchConfig({});
    expect(cpu).toMatchObject({
      dataset: 'breastmnist',
      space: 'mstf',
      indicators: ['jacob_cov', 'synflow'],
      objective: 'mstf-eq5',
      optimizer: 'nsga2',
      executor: 'pool',
      seed: 0,
      preset: 'cpu',
      channels: 16,
    });
    const paper = resolveSearchConfig({ preset: 'paper' });
    expect(paper).toMatchObject({ population: 40, offspring: 40, generations: 30, channels: 128 });
    expect(resolveSearchConfig({ preset: 'paper', population: 10, channels: 32 })).toMatchObject({
      population: 10,
      offspring: 40,
      channels: 32,
    });
  });

  it('rejects bad input with one line naming the field', () => {
    const line = (input: unknown) => {
      try {
        resolveSearchConfig(input);
      } catch (e) {
        expect(e).toBeInstanceOf(MstfError);
        expect((e as Error).message).not.toContain('\n');
        return (e as Error).message;
      }
      throw new Error('no error');
    };
    expect(line({ population: 0 })).toMatch(/population/);
    expect(line({ generations: 1.5 })).toMatch(/generations/);
    expect(line({ indicators: ['synflow', 'synflow'] })).toMatch(/indicators/);
    expect(line({ preset: 'gpu' })).toMatch(/preset/);
    expect(line({ colour: 'red' })).toMatch(/colour/);
  });

  it('create() validates ids, options and the objective before storing anything', async () => {
    const ws = workspace();
    const service = SearchService.fromKernel(await bootWith(ws));
    const reason = (input: unknown) => {
      try {
        service.create(input);
      } catch (e) {
        expect(e).toBeInstanceOf(MstfError);
        return (e as Error).message;
      }
      throw new Error('no error');
    };
    expect(reason({ dataset: 'nomnist' })).toMatch(/unknown dataset "nomnist" \(known: .*breastmnist/);
    expect(reason({ indicators: ['synflow', 'nope'] })).toMatch(/unknown indicator "nope"/);
    expect(reason({ indicators: ['synflow', 'jacob_cov', 'snip'] })).toMatch(/mstf-eq5 takes exactly 2 indicators/);
    expect(reason({ space: 'nb201', blocks: 3 })).toMatch(/search space "nb201" has no option "blocks"/);
    expect(reason({ channels: 6 })).toMatch(/channels/);
    expect(reason({ optimizer: 'nope' })).toMatch(/unknown optimizer "nope"/);
    expect(service.list()).toEqual([]);
    service.close();
  });
});

describe('search service', () => {
  it('records a candidate whose indicator throws or returns NaN, and the search completes', async () => {
    const ws = workspace();
    const { plugin, calls } = flakyPlugin({ throwOn: 2, nanOn: 4 });
    const service = SearchService.fromKernel(await bootWith(ws, [plugin]));
    const id = service.create({ ...FAST, population: 4, offspring: 4, generations: 2, seed: 3 });
    const summary = await service.run(id);
    expect(summary.status).toBe('completed');

    const cands = service.store.candidates(id);
    expect(cands).toHaveLength(8);
    const failed = cands.filter((c) => c.state === 'failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]!.genotype).toBe(calls[1]);
    expect(failed[0]!.flags).toContain('failed:flaky');
    expect(failed[0]!.error).toContain('flaky exploded on purpose');
    expect(failed[0]!.scores.flaky).toBeNull();
    expect(typeof failed[0]!.scores.params).toBe('number'); // the other indicators still ran

    const nan = cands.filter((c) => c.flags.includes('non-finite:flaky'));
    expect(nan).toHaveLength(1);
    expect(nan[0]!.genotype).toBe(calls[3]);
    expect(nan[0]!.state).toBe('ok');
    expect(Number.isNaN(nan[0]!.scores.flaky)).toBe(true);

    // In generation 0's pool: the failed one is infeasible, the NaN one took the pool's worst (normalised 0).
    const pool0 = service.store.pool(id, 0);
    const fm = pool0.find((m) => m.candidateId === failed[0]!.id)!;
    const nm = pool0.find((m) => m.candidateId === nan[0]!.id)!;
    expect(fm.violation).toBe(1);
    expect(nm.violation).toBe(0);
    expect(nm.flagged).toContain('flaky');
    expect(nm.normalised.flaky).toBe(0);
    expect(summary.selected!.hash).not.toBe(failed[0]!.hash);
    expect(summary.pareto.map((p) => p.hash)).not.toContain(failed[0]!.hash);
    service.close();
  });

  it('a degenerate network is recorded, infeasible, and never picked even with the best scores', async () => {
    const ws = workspace();
    const block = (ops: number[], pools: number[]) => [...ops.flatMap((op, k) => [op, k === 0 ? 0 : k - 1]), ...pools];
    const plain = block([0, 0, 0, 0, 0], [0, 0, 0, 0]);
    const deadFirst = block([7, 7, 7, 7, 7], [5, 5, 5, 5]); // every node is `zero`: the cell outputs 0
    const bigOps = block([5, 5, 5, 5, 5], [5, 5, 5, 5]);
    const genotypes = [
      [...plain, ...plain, ...plain],
      [...plain, ...plain, ...block([1, 1, 1, 1, 1], [1, 1, 1, 1])],
      [...deadFirst, ...bigOps, ...bigOps], // highest gene sum and most parameters
      [...plain, ...block([2, 2, 2, 2, 2], [2, 2, 2, 2]), ...plain],
    ];
    const { plugin } = flakyPlugin({ throwOn: -1, nanOn: -1 });
    const service = SearchService.fromKernel(await bootWith(ws, [plugin, fixedOptimizerPlugin(genotypes)]));
    const id = service.create({ ...FAST, optimizer: 'fixed', generations: 1 });
    const summary = await service.run(id);
    expect(summary.status).toBe('completed');
    const pool = service.store.pool(id, 0);
    const dead = pool.find((m) => m.candidate.genotype === genotypes[2]!.join(','))!;
    expect(dead.candidate.degenerate).toBe(true);
    expect(dead.candidate.flags).toContain('degenerate');
    expect(dead.violation).toBe(1);
    expect(pool.filter((m) => m.violation > 0)).toHaveLength(1);
    // Precondition: without the constraint it would be the pick (highest normalised p1 + p2).
    const sum = (m: (typeof pool)[number]) => m.normalised.flaky! + m.normalised.params!;
    expect(Math.max(...pool.map(sum))).toBe(sum(dead));
    expect(pool.filter((m) => sum(m) === sum(dead))).toHaveLength(1);
    expect(summary.selected!.genotype).not.toBe(dead.candidate.genotype);
    expect(summary.pareto.map((p) => p.genotype)).not.toContain(dead.candidate.genotype);
    // The pick is the feasible member with the highest p1 + p2.
    const feasible = pool.filter((m) => m.violation === 0);
    const best = feasible.reduce((a, b) => (sum(b) > sum(a) ? b : a));
    expect(summary.selected!.genotype).toBe(best.candidate.genotype);
    service.close();
  });

  it('cancels cleanly (signal or cancel flag), keeps a checkpoint, and resumes to the uninterrupted result', async () => {
    const ws = workspace();
    const { plugin } = flakyPlugin({ throwOn: -1, nanOn: -1 });
    const service = SearchService.fromKernel(await bootWith(ws, [plugin]));
    const config = { ...FAST, population: 4, offspring: 4, generations: 3, seed: 11 };

    const reference = service.create(config);
    await service.run(reference);

    const id = service.create(config);
    // 1) An abort signal after generation 0: status cancelled, checkpoint of generation 0.
    const controller = new AbortController();
    const first = await service.run(id, {
      signal: controller.signal,
      onEvent: (e) => {
        if (e.type === 'generation') controller.abort();
      },
    });
    expect(first.status).toBe('cancelled');
    expect(service.store.getSearch(id)!.status).toBe('cancelled');
    expect(service.store.latestCheckpoint(id)!.generation).toBe(0);
    expect(service.store.candidates(id)).toHaveLength(4);

    // 2) cancel() while generation 1 runs: the candidate in flight is stored, then the search stops.
    const second = await service.run(id, {
      onEvent: (e) => {
        if (e.type === 'candidate' && e.generation === 1 && e.index === 1) service.cancel(id);
      },
    });
    expect(second.status).toBe('cancelled');
    expect(service.store.candidates(id, 1).map((c) => c.idx)).toEqual([0, 1]);
    expect(service.store.latestCheckpoint(id)!.generation).toBe(0);

    // 3) Resume: the two stored candidates are reused, the rest evaluated, and the result is the reference's.
    const events: SearchEvent[] = [];
    const third = await service.run(id, { onEvent: (e) => events.push(e) });
    expect(third.status).toBe('completed');
    const gen1 = events.filter((e) => e.type === 'candidate' && e.generation === 1) as Extract<
      SearchEvent,
      { type: 'candidate' }
    >[];
    expect(gen1.map((e) => e.reused)).toEqual([true, true, false, false]);
    expect(service.store.candidates(id)).toHaveLength(4 + 4 * 2);
    const a = service.show(reference);
    const b = service.show(id);
    expect(b.selected).toEqual(a.selected);
    expect(b.pareto).toEqual(a.pareto);
    expect(service.store.latestCheckpoint(id)!.generation).toBe(2);

    // A completed search runs no more; cancelling it changes nothing.
    expect(service.cancel(id)).toEqual({ id, status: 'completed', signalled: false });
    expect((await service.run(id)).selected).toEqual(a.selected);

    // Status of a finished search.
    const st = service.status(id);
    expect(st).toMatchObject({
      status: 'completed',
      evaluated: 12,
      total: 12,
      generation: 2,
      generations: 3,
      alive: false,
      etaSeconds: null,
    });

    // Export: every candidate, one CSV row each; the genotype (with commas) is quoted.
    const rows = exportCandidates(service.store, id);
    expect(rows).toHaveLength(12);
    const csv = candidatesToCsv(rows).trimEnd().split('\n');
    expect(csv).toHaveLength(13);
    expect(csv[0]!.split(',').slice(0, 5)).toEqual(['id', 'generation', 'index', 'genotype', 'hash']);
    expect(csv[1]).toContain(`"${rows[0]!.genotype}"`);
    // Objectives of each candidate come from its own generation's pool.
    expect(rows.every((r) => r.objectives !== null && r.objectives.length === 2)).toBe(true);

    // Report: Fig. 5 (raw FLOPs against each indicator), hypervolume and the selected drawing, as SVG and PNG,
    // and one self-contained index.html (no file references, every figure inlined).
    const out = path.join(ws, 'report');
    const files = await writeReport(service, id, out, { trainingsRoots: [path.join(ws, 'no-trainings')] });
    expect(files.map((f) => path.basename(f)).sort()).toEqual([
      'fig5-fronts.png',
      'fig5-fronts.svg',
      'hypervolume.png',
      'hypervolume.svg',
      'index.html',
      'selected.png',
      'selected.svg',
    ]);
    const svg = fs.readFileSync(path.join(out, 'fig5-fronts.svg'), 'utf8');
    expect(svg).toContain('FLOPs (M multiply-accumulates)');
    expect(svg).toContain(`selected ${a.selected!.hash.slice(0, 8)}`);
    expect(fs.readFileSync(path.join(out, 'fig5-fronts.png')).subarray(1, 4).toString()).toBe('PNG');
    const html = fs.readFileSync(path.join(out, 'index.html'), 'utf8');
    expect(html).toContain(a.selected!.genotype);
    expect(html).not.toMatch(/(src|href)="(?!data:)/);
    service.close();
  });
});

describe('report generations', () => {
  it('plots every 10th generation and the last, like the paper (30 generations: 0, 10, 20, 29)', () => {
    expect(plottedGenerations(29)).toEqual([0, 10, 20, 29]);
    expect(plottedGenerations(5)).toEqual([0, 2, 4, 5]);
    expect(plottedGenerations(0)).toEqual([0]);
  });
});
