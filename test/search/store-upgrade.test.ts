import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SearchService } from '../../core/search/service.js';
import { SCHEMA_VERSION } from '../../core/store/schema.js';
import { bootWith, flakyPlugin, tempWorkspace } from './helpers.js';

/**
 * A store written before schema 3 (checkpoints without their population's candidate ids; see
 * test/fixtures/stores/make-v2-interrupted.mjs): it opens, is upgraded, and its interrupted search resumes to
 * the result the old code reached without interruption (the completed reference search in the same file).
 */
const FIXTURE = path.join(import.meta.dirname, '..', 'fixtures', 'stores', 'v2-interrupted.db');
const REFERENCE = '20261201-220010-781496';
const INTERRUPTED = '20261201-220010-10d7d2';

const workspaces: string[] = [];
afterAll(() => {
  for (const ws of workspaces) fs.rmSync(ws, { recursive: true, force: true });
});

describe('a run store written before schema 3', () => {
  it('is upgraded, and its interrupted search resumes to the old code uninterrupted result', async () => {
    const ws = tempWorkspace();
    workspaces.push(ws);
    fs.mkdirSync(path.join(ws, '.mstf'));
    fs.copyFileSync(FIXTURE, path.join(ws, '.mstf', 'mstf.db'));
    const { plugin } = flakyPlugin({ throwOn: -1, nanOn: -1 });
    const service = SearchService.fromKernel(await bootWith(ws, [plugin]));
    const db = service.store.database;
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);

    // Before: a generation-0 checkpoint without population, two stored candidates of generation 1.
    expect(service.store.getSearch(INTERRUPTED)!.status).toBe('cancelled');
    expect(service.store.latestCheckpoint(INTERRUPTED)!.generation).toBe(0);
    expect(service.store.latestCheckpoint(INTERRUPTED)!.population).toBeUndefined();
    expect(service.store.candidates(INTERRUPTED, 1).map((c) => c.idx)).toEqual([0, 1]);

    const summary = await service.run(INTERRUPTED);
    expect(summary.status).toBe('completed');
    const reference = service.show(REFERENCE);
    expect(reference.status).toBe('completed');
    expect(service.show(INTERRUPTED).selected).toEqual(reference.selected);
    expect(service.show(INTERRUPTED).pareto).toEqual(reference.pareto);

    // Every generation's pool matches the reference's (genotypes, objectives, survivors, ranks).
    const pools = (id: string) =>
      [0, 1, 2].map((g) =>
        service.store.pool(id, g).map((m) => [m.candidate.genotype, m.role, m.objectives, m.survived, m.rank]),
      );
    expect(pools(INTERRUPTED)).toEqual(pools(REFERENCE));

    // The checkpoints written by the current code name their population: the survivors of their pool.
    const ck = service.store.latestCheckpoint(INTERRUPTED)!;
    expect(ck.generation).toBe(2);
    const survivors = service.store
      .pool(INTERRUPTED, 2)
      .filter((m) => m.survived)
      .map((m) => m.candidateId);
    expect([...ck.population!].sort((a, b) => a - b)).toEqual([...survivors].sort((a, b) => a - b));
    service.close();
  });
});
