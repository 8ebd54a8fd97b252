/**
 * End to end through the built CLI: the `pool` executor (worker threads) gives exactly the `local` result, a
 * third-party plugin loads in the threads, and Ctrl-C stops a search within 2 s, `cancelled` and resumable to
 * the same result.
 */
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot, runCli } from '../helpers/cli.js';
import { ENV, FLAGS, lastJson, outcome, removeWorkspaces, startMstf, workspace } from './searches.js';

afterAll(removeWorkspaces);

let reference: Awaited<ReturnType<typeof outcome>> | undefined;
async function localReference() {
  if (!reference) {
    const dir = workspace();
    const r = await runCli(['search', ...FLAGS, '--executor', 'local', '--json'], {
      cwd: dir,
      env: ENV,
      timeoutMs: 380_000,
    });
    expect(r.code, r.stderr).toBe(0);
    reference = await outcome(dir, lastJson(r.stdout).searchId);
  }
  return reference;
}

/** Real processes on a shared 2-core machine: generous limits (each takes well under a minute unloaded). */
describe('pool executor', { timeout: 400_000 }, () => {
  it('pool --workers 2 gives the local pick, Pareto front and raw scores of every candidate', async () => {
    const dir = workspace();
    const [local, pool] = await Promise.all([
      localReference(),
      runCli(['search', ...FLAGS, '--executor', 'pool', '--workers', '2', '--json'], {
        cwd: dir,
        env: ENV,
        timeoutMs: 380_000,
      }),
    ]);
    expect(pool.code, pool.stderr).toBe(0);
    const got = await outcome(dir, lastJson(pool.stdout).searchId);
    expect(local.status).toBe('completed');
    expect(local.candidates).toHaveLength(10);
    expect(local.candidates.every((c) => c.state === 'ok')).toBe(true);
    expect(got).toEqual(local);
  });

  it('a third-party plugin given with --plugin scores in the worker threads as in-process', async () => {
    const plugin = path.join(repoRoot, 'test', 'fixtures', 'example-plugin');
    const small = [
      '--plugin',
      plugin,
      '--indicators',
      'layer_depth,synflow',
      '--population',
      '4',
      '--generations',
      '1',
      '--channels',
      '8',
      '--batch-size',
      '8',
    ];
    const [a, b] = [workspace(), workspace()];
    const [local, pool] = await Promise.all([
      runCli(['search', ...small, '--executor', 'local', '--json'], { cwd: a, env: ENV, timeoutMs: 380_000 }),
      runCli(['search', ...small, '--executor', 'pool', '--workers', '2', '--json'], {
        cwd: b,
        env: ENV,
        timeoutMs: 380_000,
      }),
    ]);
    expect(local.code, local.stderr).toBe(0);
    expect(pool.code, pool.stderr).toBe(0);
    const x = await outcome(a, lastJson(local.stdout).searchId);
    const y = await outcome(b, lastJson(pool.stdout).searchId);
    expect(y.candidates.every((c) => typeof c.scores.layer_depth === 'number' && c.scores.layer_depth > 0)).toBe(true);
    expect(y).toEqual(x);
  });

  it('SIGINT stops `mstf search` within 2 s, cancelled, and `runs resume` ends in the uninterrupted result', async () => {
    const dir = workspace();
    const search = startMstf(['search', ...FLAGS, '--workers', '2', '--json'], dir);
    let id = '';
    let signalledAt = 0;
    for await (const e of search.events()) {
      id = e.searchId ?? id;
      if (e.type === 'candidate' && e.generation === 1 && signalledAt === 0) {
        search.child.kill('SIGINT');
        signalledAt = performance.now();
      }
    }
    const { code } = await search.exited;
    const took = performance.now() - signalledAt;
    expect(signalledAt).toBeGreaterThan(0);
    expect(took, search.stderr.join('\n')).toBeLessThan(2_000);
    expect(code).toBe(130);
    expect(search.stderr.join('\n')).toMatch(/SIGINT: stopping/);

    const shown = await runCli(['runs', 'show', id, '--json'], { cwd: dir, env: ENV, timeoutMs: 380_000 });
    expect(JSON.parse(shown.stdout).status).toBe('cancelled');

    const resumed = await runCli(['runs', 'resume', id, '--workers', '2', '--json'], {
      cwd: dir,
      env: ENV,
      timeoutMs: 380_000,
    });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(await outcome(dir, id)).toEqual(await localReference());
  });
});
