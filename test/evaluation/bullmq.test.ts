/**
 * End to end against a real redis-server (started here on a free loopback port): the `bullmq` executor with
 * two `mstf worker` processes gives exactly the `local` result, also when a worker or the coordinator is
 * SIGKILLed mid-generation; a worker with another plugin set refuses with one line; cancel empties the queue.
 */
import path from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, runCli } from '../helpers/cli.js';
import { RunStore } from '../../core/store/run-store.js';
import { queueName, redisOptions } from '../../plugins/executor-bullmq/redis.js';
import { startRedis, type RedisServer } from './redis.js';
import {
  ENV,
  FLAGS,
  lastJson,
  outcome,
  removeWorkspaces,
  startMstf,
  startWorker,
  stop,
  workspace,
  type MstfProcess,
} from './searches.js';

let redis: RedisServer;
let reference: Awaited<ReturnType<typeof outcome>>;
const workers: MstfProcess[] = [];

beforeAll(async () => {
  redis = await startRedis();
  const dir = workspace();
  const r = await runCli(['search', ...FLAGS, '--executor', 'local', '--json'], {
    cwd: dir,
    env: ENV,
    timeoutMs: 380_000,
  });
  expect(r.code, r.stderr).toBe(0);
  reference = await outcome(dir, lastJson(r.stdout).searchId);
  expect(reference.candidates).toHaveLength(10);
}, 400_000);

afterAll(async () => {
  await Promise.all(workers.splice(0).map(stop));
  await redis?.stop();
  removeWorkspaces();
}, 60_000);

async function twoWorkers(dir: string): Promise<[MstfProcess, MstfProcess]> {
  const pair = await Promise.all([startWorker(redis.url, dir), startWorker(redis.url, dir)]);
  workers.push(...pair);
  return pair;
}

const bullmq = () => ['--executor', 'bullmq', '--redis', redis.url];

/** Real processes on a shared 2-core machine: generous limits (each takes well under a minute unloaded). */
describe('bullmq executor', { timeout: 400_000 }, () => {
  it('two workers give the local result; a worker with another plugin set refuses with one line', async () => {
    const dir = workspace();
    const [a, b] = await twoWorkers(dir);
    const odd = await startWorker(redis.url, dir, [
      '--plugin',
      path.join(repoRoot, 'test', 'fixtures', 'example-plugin'),
    ]);
    workers.push(odd);
    const r = await runCli(['search', ...FLAGS, ...bullmq(), '--json'], { cwd: dir, env: ENV, timeoutMs: 380_000 });
    expect(r.code, r.stderr).toBe(0);
    const id = lastJson(r.stdout).searchId as string;
    expect(await outcome(dir, id)).toEqual(reference);
    // Both good workers took jobs; the coordinator names them with host and versions.
    for (const w of [a, b])
      expect(w.stderr.some((l) => l.includes(`${queueName(id)}: evaluating candidate`))).toBe(true);
    expect(r.stderr).toMatch(/worker \S+ pid \d+ \(mstf [\d.]+, node v[\d.]+\) is evaluating candidates/);
    const refusal = odd.stderr.filter((l) => l.includes(id));
    expect(refusal).toEqual([
      expect.stringMatching(
        new RegExp(
          `^refusing search ${id}: worker \\S+ pid \\d+ has plugins \\[.*mstf-plugin-example@1\\.0\\.0.*\\] but the search uses \\[`,
        ),
      ),
    ]);
    await Promise.all(workers.splice(0).map(stop));
  });

  it('a worker SIGKILLed with a job in hand loses nothing: the other one takes the job, same result', async () => {
    const dir = workspace();
    const [a, b] = await twoWorkers(dir);
    const search = startMstf(['search', ...FLAGS, ...bullmq(), '--json'], dir);
    const events: Record<string, any>[] = [];
    let line = '';
    for await (const e of search.events()) {
      events.push(e);
      if (e.type === 'candidate' && e.generation === 1 && !line) {
        // Kill `a` right as it starts its next candidate (after the first checkpoint): a job in its hands.
        const seen = a.stderr.length;
        while (!line) {
          line = a.stderr.slice(seen).find((l) => l.includes('evaluating candidate')) ?? '';
          await new Promise((r) => setTimeout(r, 10));
        }
        a.child.kill('SIGKILL');
      }
    }
    expect((await a.exited).signal).toBe('SIGKILL');
    const { code } = await search.exited;
    expect(code, search.stderr.join('\n')).toBe(0);
    const last = events[events.length - 1]!;
    expect(last.status).toBe('completed');
    // The job `a` had in hand was evaluated again by `b`.
    const job = line.match(/\(job (\w+)\)/)![1]!;
    expect(b.stderr.some((l) => l.includes(`(job ${job})`))).toBe(true);
    expect(await outcome(dir, last.searchId)).toEqual(reference);
    await Promise.all(workers.splice(0).map(stop));
  });

  it('the coordinator SIGKILLed mid-generation resumes (`runs resume`) to the same result', async () => {
    const dir = workspace();
    await twoWorkers(dir);
    const search = startMstf(['search', ...FLAGS, ...bullmq(), '--json'], dir);
    let id = '';
    for await (const e of search.events()) {
      id = e.searchId ?? id;
      if (e.type === 'candidate' && e.generation === 1) {
        search.child.kill('SIGKILL');
        break;
      }
    }
    expect((await search.exited).signal).toBe('SIGKILL');
    const resumed = await runCli(['runs', 'resume', id, ...bullmq(), '--json'], {
      cwd: dir,
      env: ENV,
      timeoutMs: 380_000,
    });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(lastJson(resumed.stdout).status).toBe('completed');
    expect(await outcome(dir, id)).toEqual(reference);
    await Promise.all(workers.splice(0).map(stop));
  });

  it('cancel reaches the queue: SIGTERM with no worker running leaves no job waiting, and the search is cancelled', async () => {
    const dir = workspace();
    const search = startMstf(['search', ...FLAGS, ...bullmq(), '--json'], dir);
    await search.waitForLine(/no worker is connected yet/);
    const store = RunStore.open(path.join(dir, '.mstf', 'mstf.db'));
    const searchId = store.listSearches()[0]!.id;
    store.close();
    const queue = new Queue(queueName(searchId), { connection: redisOptions(redis.url) });
    try {
      // The 4 candidates of generation 0 are queued.
      for (let i = 0; i < 100 && (await queue.getWaitingCount()) < 4; i++) await new Promise((r) => setTimeout(r, 50));
      expect(await queue.getWaitingCount()).toBe(4);
      const t0 = performance.now();
      search.child.kill('SIGTERM');
      const { code } = await search.exited;
      expect(performance.now() - t0).toBeLessThan(2_000);
      expect(code).toBe(130);
      expect(await queue.getWaitingCount()).toBe(0);
    } finally {
      await queue.close();
    }
    const shown = await runCli(['runs', 'show', searchId, '--json'], { cwd: dir, env: ENV, timeoutMs: 380_000 });
    expect(shown.code, shown.stderr).toBe(0);
    expect(JSON.parse(shown.stdout).status).toBe('cancelled');
  });
});
