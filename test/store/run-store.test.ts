import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RunStore } from '../../core/store/run-store.js';
import { MIGRATIONS, SCHEMA_VERSION, migrate } from '../../core/store/schema.js';
import { resolveSearchConfig } from '../../core/search/config.js';
import { MstfError } from '../../core/errors.js';
import type { CandidateInput } from '../../core/store/types.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mstf-store-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const TABLES = ['candidates', 'checkpoints', 'generations', 'pool_members', 'results', 'searches', 'trainings'];

function tablesOf(file: string): string[] {
  const db = new Database(file, { readonly: true });
  const names = (
    db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`).all() as {
      name: string;
    }[]
  )
    .map((r) => r.name)
    .sort();
  db.close();
  return names;
}

const config = resolveSearchConfig({ population: 4, offspring: 3, generations: 3, channels: 8, seed: 7 });

function candidate(
  searchId: string,
  generation: number,
  idx: number,
  over: Partial<CandidateInput> = {},
): CandidateInput {
  return {
    searchId,
    generation,
    idx,
    genotype: `g${generation}-${idx}`,
    hash: `h${generation}-${idx}`,
    state: 'ok',
    degenerate: false,
    scores: { jacob_cov: 1, synflow: 2, flops: 3 },
    flops: 3,
    params: 4,
    flags: [],
    ms: 5,
    ...over,
  };
}

describe('run store schema', () => {
  it('creates the folder and file and upgrades a v0 (unversioned) file to the current schema', () => {
    const file = path.join(dir, 'nested', '.mstf', 'mstf.db');
    // A v0 file: exists, user_version 0, holds something unrelated.
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const raw = new Database(file);
    raw.exec("CREATE TABLE notes (x TEXT); INSERT INTO notes VALUES ('kept')");
    expect(raw.pragma('user_version', { simple: true })).toBe(0);
    raw.close();

    const store = RunStore.open(file);
    expect(store.database.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(store.database.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.database.pragma('busy_timeout', { simple: true })).toBeGreaterThanOrEqual(1000);
    store.close();
    expect(tablesOf(file)).toEqual([...TABLES, 'notes'].sort());
    // Re-opening an up-to-date store changes nothing.
    RunStore.open(file).close();
    expect(tablesOf(file)).toEqual([...TABLES, 'notes'].sort());
  });

  it('the schema version is the number of migrations, in order', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    expect(SCHEMA_VERSION).toBe(MIGRATIONS.length);
  });

  it('stops at a target version (migrations apply one after another)', () => {
    const file = path.join(dir, 'partial.db');
    const db = new Database(file);
    migrate(db, file, 0);
    expect(db.pragma('user_version', { simple: true })).toBe(0);
    migrate(db, file);
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    db.close();
  });

  it('refuses a store written by a newer mstf, with one clear line, and leaves it untouched', () => {
    const file = path.join(dir, 'future.db');
    const db = new Database(file);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    let err: unknown;
    try {
      RunStore.open(file);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(MstfError);
    expect((err as MstfError).code).toBe('STORE');
    expect((err as MstfError).message).toMatch(/newer than this mstf supports/);
    expect((err as MstfError).message).not.toContain('\n');
    expect(tablesOf(file)).toEqual([]);
    const after = new Database(file, { readonly: true });
    expect(after.pragma('journal_mode', { simple: true })).toBe('delete');
    after.close();
  });
});

describe('run store records', () => {
  it('creates a queued search with its budget (population + offspring x (generations - 1))', () => {
    const store = RunStore.open(path.join(dir, 's.db'));
    const id = store.createSearch(config);
    const s = store.getSearch(id)!;
    expect(s.status).toBe('queued');
    expect(s.total).toBe(4 + 3 * 2);
    expect(s.generations).toBe(3);
    expect(s.generation).toBe(-1);
    expect(s.seed).toBe(7);
    expect(s.config.channels).toBe(8);
    expect(s.selected).toBeNull();
    expect(store.listSearches().map((r) => r.id)).toEqual([id]);
    expect(store.getSearch('nope')).toBeUndefined();
    expect(() => store.requireSearch('nope')).toThrow(/no search "nope"/);
    store.close();
  });

  it('keeps non-finite raw scores and counts candidates', () => {
    const store = RunStore.open(path.join(dir, 's.db'));
    const id = store.createSearch(config);
    store.recordCandidate(candidate(id, 0, 0, { scores: { jacob_cov: Number.NaN, synflow: -Infinity, flops: 1 } }));
    store.recordCandidate(
      candidate(id, 0, 1, { state: 'failed', scores: { jacob_cov: null, synflow: 3, flops: 1 }, error: 'boom' }),
    );
    const [a, b] = store.candidates(id, 0);
    expect(Number.isNaN(a!.scores.jacob_cov)).toBe(true);
    expect(a!.scores.synflow).toBe(-Infinity);
    expect(b!.state).toBe('failed');
    expect(b!.scores.jacob_cov).toBeNull();
    expect(b!.error).toBe('boom');
    expect(store.getSearch(id)!.evaluated).toBe(2);
    expect(store.candidateByHash(id, 'h0-1')!.id).toBe(b!.id);
    // (generation, idx) is unique per search.
    expect(() => store.recordCandidate(candidate(id, 0, 1))).toThrow();
    expect(store.getSearch(id)!.evaluated).toBe(2);
    store.close();
  });

  it('commits a generation atomically: a failing commit leaves nothing of it', () => {
    const store = RunStore.open(path.join(dir, 's.db'));
    const id = store.createSearch(config);
    const c0 = store.recordCandidate(candidate(id, 0, 0));
    const c1 = store.recordCandidate(candidate(id, 0, 1));
    const member = (candidateId: number, survived: boolean) => ({
      candidateId,
      role: 'offspring' as const,
      objectives: [-1, 0.5],
      normalised: { jacob_cov: 1, synflow: 0.5, flops: 0 },
      flagged: [],
      violation: 0,
      survived,
      rank: survived ? 0 : null,
    });
    store.commitGeneration({
      searchId: id,
      generation: 0,
      members: [member(c0, true), member(c1, false)],
      checkpoint: { rng: 5 },
      summary: {},
      ms: 1,
    });
    expect(store.latestCheckpoint(id)).toEqual({ generation: 0, state: { rng: 5 } });
    expect(store.getSearch(id)!.generation).toBe(0);
    expect(store.pool(id, 0).map((m) => [m.candidate.id, m.survived])).toEqual([
      [c0, true],
      [c1, false],
    ]);
    // Generation 1 whose checkpoint collides with an existing one: the pool rows must not stay behind.
    store.database.exec(
      `INSERT INTO checkpoints (search_id, generation, state, created_at) VALUES ('${id}', 1, '{}', 'x')`,
    );
    expect(() =>
      store.commitGeneration({
        searchId: id,
        generation: 1,
        members: [member(c0, true)],
        checkpoint: { rng: 6 },
        summary: {},
        ms: 1,
      }),
    ).toThrow();
    expect(store.pool(id, 1)).toEqual([]);
    expect(store.generations(id).map((g) => g.generation)).toEqual([0]);
    expect(store.getSearch(id)!.generation).toBe(0);
    store.close();
  });

  it("a checkpoint names its population's candidates; a commit whose survivors differ from them is refused", () => {
    const store = RunStore.open(path.join(dir, 's.db'));
    const id = store.createSearch(config);
    const [c0, c1, c2] = [0, 1, 2].map((i) => store.recordCandidate(candidate(id, 0, i)));
    const member = (candidateId: number, survived: boolean) => ({
      candidateId,
      role: 'offspring' as const,
      objectives: [0, 0],
      normalised: {},
      flagged: [],
      violation: 0,
      survived,
      rank: survived ? 0 : null,
    });
    const members = [member(c0!, true), member(c1!, false), member(c2!, true)];
    const commit = (generation: number, population: number[]) =>
      store.commitGeneration({
        searchId: id,
        generation,
        members,
        checkpoint: { g: generation },
        population,
        summary: {},
        ms: 1,
      });
    expect(() => commit(0, [c2!, c1!])).toThrow(/survivors are not the checkpoint's population/);
    expect(() => commit(0, [c2!])).toThrow(/survivors are not the checkpoint's population/);
    expect(store.latestCheckpoint(id)).toBeUndefined();
    expect(store.pool(id, 0)).toEqual([]);
    // Population order is the optimizer's (not pool order), kept as given.
    commit(0, [c2!, c0!]);
    expect(store.latestCheckpoint(id)).toEqual({ generation: 0, state: { g: 0 }, population: [c2, c0] });
    store.close();
  });

  it('an unversioned schema-2 file (a dump from before checkpoints named their population) is upgraded', () => {
    const file = path.join(dir, 'v2.db');
    const db = new Database(file);
    migrate(db, file, 2);
    db.pragma('user_version = 0');
    expect(db.prepare(`SELECT name FROM pragma_table_info('checkpoints')`).all()).not.toContainEqual({
      name: 'population',
    });
    db.close();
    const store = RunStore.open(file);
    expect(store.database.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(store.database.prepare(`SELECT name FROM pragma_table_info('checkpoints')`).all()).toContainEqual({
      name: 'population',
    });
    store.close();
  });

  it('claims a search once: refuses one that another live process runs, and a completed one', () => {
    const store = RunStore.open(path.join(dir, 's.db'));
    const id = store.createSearch(config);
    const s = store.claimSearch(id, 111, () => true);
    expect(s.status).toBe('running');
    expect(s.pid).toBe(111);
    expect(() => store.claimSearch(id, 222, () => true)).toThrow(/running in process 111/);
    // The other process is dead: the claim succeeds.
    expect(store.claimSearch(id, 222, () => false).pid).toBe(222);
    expect(store.requestCancel(id)).toBe(true);
    expect(store.isCancelRequested(id)).toBe(true);
    store.finish(id, 'cancelled');
    expect(store.getSearch(id)!.status).toBe('cancelled');
    expect(store.requestCancel(id)).toBe(false);
    // Resuming clears the cancel flag.
    expect(store.claimSearch(id, 333, () => false).cancelRequested).toBe(false);
    const c = store.recordCandidate(candidate(id, 0, 0));
    store.saveResult(id, { candidateId: c, objectives: [0, 0], normalised: {}, violation: 0 }, []);
    const done = store.getSearch(id)!;
    expect(done.status).toBe('completed');
    expect(done.selected).toEqual({
      genotype: 'g0-0',
      hash: 'h0-0',
      scores: { jacob_cov: 1, synflow: 2, flops: 3 },
      flops: 3,
      params: 4,
    });
    expect(() => store.claimSearch(id, 444, () => false)).toThrow(/already completed/);
    store.close();
  });
});
