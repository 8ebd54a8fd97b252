/**
 * End to end through the built CLI (`node bin/run.js`, built by `npm test`'s pretest): a search killed with
 * SIGKILL and resumed ends exactly like an uninterrupted one, and two searches write one store at once.
 * Tiny budgets (C0 = 8, batch 8, 4 + 4 x 2 candidates) with the paper's indicators, jacob_cov + synflow.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { RunStore } from '../../core/store/run-store.js';
import { cliBin, runCli, tempDir } from '../helpers/cli.js';

// local: candidates one at a time in order, so the kill lands after exactly the first candidate of generation 1.
const FLAGS = [
  '--executor',
  'local',
  '--population',
  '4',
  '--offspring',
  '4',
  '--generations',
  '3',
  '--channels',
  '8',
  '--batch-size',
  '8',
  '--seed',
  '5',
];
const dirs: string[] = [];
const workspace = () => {
  const d = tempDir('mstf-search-cli-');
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

function lastJson(stdout: string): Record<string, any> {
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]!);
}

async function show(cwd: string, id: string): Promise<Record<string, any>> {
  const r = await runCli(['runs', 'show', id, '--json'], { cwd });
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

/** Candidate rows by (generation, idx): genotype, hash and raw scores. */
function candidateRows(cwd: string, id: string) {
  const store = RunStore.open(path.join(cwd, '.mstf', 'mstf.db'));
  try {
    return store
      .candidates(id)
      .map((c) => ({ generation: c.generation, idx: c.idx, genotype: c.genotype, hash: c.hash, scores: c.scores }));
  } finally {
    store.close();
  }
}

describe('mstf search (CLI)', () => {
  it('a search killed with SIGKILL mid-generation resumes to the same selection and Pareto front', async () => {
    // Reference: uninterrupted (runs beside the one that gets killed).
    const refDir = workspace();
    const refRun = runCli(['search', ...FLAGS, '--json'], { cwd: refDir });

    // The same search, killed after its first candidate of generation 1.
    const dir = workspace();
    const child = spawn(process.execPath, [cliBin, 'search', ...FLAGS, '--json'], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let id = '';
    let killedAt: { generation: number; index: number } | undefined;
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on('exit', (_code, signal) => resolve(signal)),
    );
    for await (const line of readline.createInterface({ input: child.stdout! })) {
      const e = JSON.parse(line);
      id = e.searchId ?? id;
      if (e.type === 'candidate' && e.generation >= 1 && !killedAt) {
        child.kill('SIGKILL');
        killedAt = { generation: e.generation, index: e.index };
      }
    }
    expect(await exited).toBe('SIGKILL');
    expect(killedAt).toEqual({ generation: 1, index: 0 });

    // The store shows an interrupted search: `running` by a dead process, in the middle of a generation
    // (generation 1 unless this process was too slow to read the line before the child went on).
    const store = RunStore.open(path.join(dir, '.mstf', 'mstf.db'));
    const before = store.getSearch(id)!;
    const partial = before.generation + 1;
    const storedPartial = store.candidates(id, partial).length;
    expect(before.status).toBe('running');
    expect(before.generation).toBeGreaterThanOrEqual(0);
    expect(partial).toBeLessThan(3);
    expect(storedPartial).toBeGreaterThanOrEqual(1);
    expect(storedPartial).toBeLessThan(4);
    expect(before.evaluated).toBeLessThan(before.total);
    expect(store.database.pragma('integrity_check', { simple: true })).toBe('ok');
    store.close();

    const ref = await refRun;
    expect(ref.code, ref.stderr).toBe(0);
    const refId = lastJson(ref.stdout).searchId as string;
    expect(lastJson(ref.stdout).status).toBe('completed');

    const resumed = await runCli(['runs', 'resume', id, '--json'], { cwd: dir });
    expect(resumed.code, resumed.stderr).toBe(0);
    const events = resumed.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const resumedGen = events.filter((e) => e.type === 'candidate' && e.generation === partial);
    // The candidates stored before the kill are taken from the store, the others are evaluated now.
    expect(resumedGen.slice(0, storedPartial).every((e) => e.reused)).toBe(true);
    expect(resumedGen.slice(storedPartial).some((e) => !e.reused)).toBe(true);
    expect(resumedGen).toHaveLength(4);
    expect(events.some((e) => e.type === 'candidate' && e.generation < partial)).toBe(false);
    expect(lastJson(resumed.stdout).status).toBe('completed');

    const a = await show(refDir, refId);
    const b = await show(dir, id);
    expect(b.status).toBe('completed');
    expect(b.selected).toEqual(a.selected);
    expect(b.pareto).toEqual(a.pareto);
    expect(b.pareto.length).toBeGreaterThan(0);
    expect(b.config).toEqual(a.config);
    // Every candidate, raw scores included, is bit-identical to the uninterrupted run's.
    expect(candidateRows(dir, id)).toEqual(candidateRows(refDir, refId));
  });

  it('two searches run at once against one store without corrupting it', async () => {
    const dir = workspace();
    const small = [
      '--population',
      '4',
      '--offspring',
      '4',
      '--generations',
      '2',
      '--channels',
      '8',
      '--batch-size',
      '8',
    ];
    const [r1, r2] = await Promise.all([
      runCli(['search', ...small, '--seed', '1', '--json'], { cwd: dir }),
      runCli(['search', ...small, '--seed', '2', '--json'], { cwd: dir }),
    ]);
    expect(r1.code, r1.stderr).toBe(0);
    expect(r2.code, r2.stderr).toBe(0);
    const ids = [lastJson(r1.stdout).searchId, lastJson(r2.stdout).searchId];
    expect(new Set(ids).size).toBe(2);

    const store = RunStore.open(path.join(dir, '.mstf', 'mstf.db'));
    const db = store.database;
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const count = (table: string, id: string) =>
      (db.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE search_id = ?`).get(id) as { n: number }).n;
    for (const id of ids) {
      const s = store.getSearch(id)!;
      expect(s.status).toBe('completed');
      expect(s.evaluated).toBe(4 + 4);
      expect(count('candidates', id)).toBe(8);
      expect(count('generations', id)).toBe(2);
      expect(count('checkpoints', id)).toBe(2);
      expect(count('results', id)).toBe(1);
      // Generation 1's pool: the 4 parents and the 4 offspring.
      expect(count('pool_members', id)).toBe(4 + 8);
    }
    expect(store.listSearches()).toHaveLength(2);
    store.close();

    const list = await runCli(['runs', 'list', '--json'], { cwd: dir });
    expect(
      JSON.parse(list.stdout)
        .map((r: { id: string }) => r.id)
        .sort(),
    ).toEqual([...ids].sort());
  });

  it('bad input is one line, exit 1, and stores nothing', async () => {
    const dir = workspace();
    const r = await runCli(['search', '--dataset', 'nomnist', '--json'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/unknown dataset "nomnist"/);
    const show = await runCli(['runs', 'show', 'nope'], { cwd: dir });
    expect(show.code).toBe(1);
    expect(show.stderr.trim()).toMatch(/^mstf: NOT_FOUND: no search "nope" in run store /);
    const list = await runCli(['runs', 'list', '--json'], { cwd: dir });
    expect(JSON.parse(list.stdout)).toEqual([]);
  });
});
