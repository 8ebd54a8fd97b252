/**
 * Trainings in the run store (migration 2): rows written when a training starts, updated when it
 * completes, is cancelled or fails; linked to their search; a v1 store upgrades keeping its searches.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RunStore } from '../../core/store/run-store.js';
import { SCHEMA_VERSION, migrate } from '../../core/store/schema.js';
import { recordTraining } from '../../core/store/trainings.js';
import { resolveSearchConfig } from '../../core/search/config.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mstf-trainings-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const start = (outDir: string, searchId: string | null = null) => ({
  id: path.basename(outDir),
  outDir,
  searchId,
  memberHash: searchId ? 'abc123' : null,
  dataset: 'breastmnist',
  model: { kind: 'genotype', space: 'mstf', genotype: '1,2' },
  config: { epochs: 3, lr: 0.001 },
});

describe('run store: trainings', () => {
  it('a v1 store (searches only) upgrades to v2 and keeps its searches', () => {
    const file = path.join(dir, 'v1.db');
    const db = new Database(file);
    migrate(db, file, 1);
    db.close();
    let store = RunStore.open(file);
    // Open migrates; write a search with the v2 code, reopen: both tables usable.
    const id = store.createSearch(resolveSearchConfig({ channels: 4 }));
    store.startTraining(start('/x/t1', id));
    store.close();
    store = RunStore.open(file);
    expect(store.database.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(store.getSearch(id)!.id).toBe(id);
    expect(store.trainings(id).map((t) => t.outDir)).toEqual(['/x/t1']);
    store.close();
  });

  it('start -> completed with metrics; a resume sets it running again; filtered by search; unknown search -> unlinked', () => {
    const store = RunStore.open(path.join(dir, 's.db'));
    const id = store.createSearch(resolveSearchConfig({ channels: 4 }));
    store.startTraining(start('/t/a', id));
    store.startTraining(start('/t/b', 'not-a-search'));
    store.startTraining(start('/t/c'));
    expect(store.trainings(id).map((t) => [t.outDir, t.status, t.memberHash])).toEqual([['/t/a', 'running', 'abc123']]);
    store.finishTraining('/t/a', 'completed', { metrics: { test: { acc: 0.75, auc: 0.8 }, bestEpoch: 2 } });
    const [a] = store.trainings(id);
    expect(a).toMatchObject({
      id: 'a',
      status: 'completed',
      dataset: 'breastmnist',
      searchId: id,
      metrics: { test: { acc: 0.75, auc: 0.8 }, bestEpoch: 2 },
    });
    expect(a!.model).toEqual({ kind: 'genotype', space: 'mstf', genotype: '1,2' });
    expect(store.trainings().find((t) => t.outDir === '/t/b')!.searchId).toBeNull();
    store.finishTraining('/t/c', 'failed', { error: 'boom' });
    store.startTraining(start('/t/c')); // resumed
    expect(store.trainings().find((t) => t.outDir === '/t/c')).toMatchObject({ status: 'running', error: null });
    expect(store.trainings()).toHaveLength(3);
    store.close();
  });

  it('recordTraining: completed / cancelled (no metrics) / failed (error line, rethrown)', async () => {
    const file = path.join(dir, 'r.db');
    const done = recordTraining(file, start('/r/done'));
    await expect(done.outcome(Promise.resolve({ test: { acc: 1 }, config: { big: true } }))).resolves.toEqual({
      test: { acc: 1 },
      config: { big: true },
    });
    const cancelled = recordTraining(file, start('/r/cancelled'));
    await expect(cancelled.outcome(Promise.resolve(undefined))).resolves.toBeUndefined();
    const failed = recordTraining(file, start('/r/failed'));
    await expect(failed.outcome(Promise.reject(new Error('out of memory\nstack')))).rejects.toThrow('out of memory');
    const store = RunStore.open(file);
    const by = Object.fromEntries(store.trainings().map((t) => [t.outDir, t]));
    store.close();
    expect(by['/r/done']).toMatchObject({ status: 'completed', metrics: { test: { acc: 1 } } });
    expect(by['/r/done']!.metrics).not.toHaveProperty('config');
    expect(by['/r/cancelled']).toMatchObject({ status: 'cancelled', metrics: null });
    expect(by['/r/failed']).toMatchObject({ status: 'failed', error: 'Error: out of memory' });
  });
});
