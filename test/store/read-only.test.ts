/**
 * Stores on read-only media or owned by another user: the reading commands work, a writing one says in one line
 * why it cannot. Tests run as root, which ignores file permissions, so the checks run as the unprivileged user
 * `nobody` (setpriv); a folder nobody cannot write is exactly a read-only folder for that process.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunStore } from '../../core/store/run-store.js';
import { SCHEMA_VERSION } from '../../core/store/schema.js';
import { resolveSearchConfig } from '../../core/search/config.js';
import { cliBin, repoRoot } from '../helpers/cli.js';

const NOBODY = 65534;

/** Run node as `nobody`; fails the test with one line when setpriv is missing. */
function asNobody(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  if (!fs.existsSync('/usr/bin/setpriv'))
    throw new Error('prerequisite missing: /usr/bin/setpriv (util-linux) runs the check as a non-root user');
  return new Promise((resolve) => {
    execFile(
      '/usr/bin/setpriv',
      [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', process.execPath, ...args],
      { cwd, env: { ...process.env, HOME: cwd, XDG_CACHE_HOME: cwd }, timeout: 120_000 },
      (err, stdout, stderr) =>
        resolve({
          code: err ? (typeof err.code === 'number' ? err.code : 1) : 0,
          stdout: String(stdout),
          stderr: String(stderr),
        }),
    );
  });
}

describe('a run store in a folder its reader cannot write', () => {
  let root: string;
  let store: string;
  let id: string;

  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'mstf-ro-'));
    const dir = path.join(root, 'readonly');
    fs.mkdirSync(dir);
    store = path.join(dir, 'mstf.db');
    const s = RunStore.open(store);
    id = s.createSearch(resolveSearchConfig({ population: 4, offspring: 4, generations: 2 }));
    s.close(); // the last connection checkpoints the WAL and removes -wal / -shm, as after any mstf command
    fs.chmodSync(store, 0o644);
    fs.chmodSync(dir, 0o555);
    fs.chmodSync(root, 0o755);
  });
  afterAll(() => {
    fs.chmodSync(path.join(root, 'readonly'), 0o755);
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('`runs list` lists it', async () => {
    expect(fs.existsSync(path.join(repoRoot, 'dist', 'cli', 'base.js')), 'dist/ is missing: npx tsc -p .').toBe(true);
    const r = await asNobody([cliBin, 'runs', 'list', '--json', '--store', store], root);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).map((s: { id: string }) => s.id)).toEqual([id]);
    expect(fs.readdirSync(path.join(root, 'readonly'))).toEqual(['mstf.db']); // nothing created next to it
  });

  it('reading works through the store API; writing fails with one line saying why', async () => {
    const script = `
      await import('reflect-metadata');
      const { RunStore } = await import(${JSON.stringify(path.join(repoRoot, 'dist', 'core', 'store', 'run-store.js'))});
      const { errorLine } = await import(${JSON.stringify(path.join(repoRoot, 'dist', 'core', 'errors.js'))});
      const ro = RunStore.openReadOnly(${JSON.stringify(store)});
      console.log(JSON.stringify(ro.listSearches().map((s) => [s.id, s.status])));
      ro.close();
      try { RunStore.open(${JSON.stringify(store)}); console.log('opened for writing'); } catch (e) { console.log(errorLine(e)); }`;
    const r = await asNobody(['--input-type=module', '-e', script], repoRoot);
    expect(r.stderr).toBe('');
    const [listed, refused] = r.stdout.trim().split('\n');
    expect(JSON.parse(listed!)).toEqual([[id, 'queued']]);
    expect(refused).toMatch(
      new RegExp(
        `^mstf: STORE: run store ${store.replace(/[.]/g, '\\.')}: cannot write it \\(.+\\); this command needs write access`,
      ),
    );
  });
});

describe('a store whose user_version is 0 (e.g. restored from sqlite3 .dump)', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mstf-v0-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('is recognised by its tables, versioned and opened with its searches', () => {
    const file = path.join(dir, 'dumped.db');
    const s = RunStore.open(file);
    const id = s.createSearch(resolveSearchConfig({}));
    s.close();
    const raw = new Database(file);
    raw.pragma('user_version = 0');
    raw.close();
    const again = RunStore.open(file);
    expect(again.listSearches().map((r) => r.id)).toEqual([id]);
    expect(again.database.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    again.close();
  });

  it('a file with only some mstf tables is refused in one line, not half-migrated', () => {
    const file = path.join(dir, 'partial.db');
    const raw = new Database(file);
    raw.exec('CREATE TABLE searches (id TEXT PRIMARY KEY)');
    raw.close();
    expect(() => RunStore.open(file)).toThrow(/has some mstf tables \(searches\) but no schema version/);
  });

  it('a missing store reads as empty and is not created by a reading command', () => {
    const file = path.join(dir, 'nothing', 'mstf.db');
    const ro = RunStore.openReadOnly(file);
    expect(ro.listSearches()).toEqual([]);
    ro.close();
    expect(fs.existsSync(path.dirname(file))).toBe(false);
  });
});
