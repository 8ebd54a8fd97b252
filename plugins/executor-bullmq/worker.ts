import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { Worker, UnrecoverableError, type Job } from 'bullmq';
import { EvaluationRuntime, mstfVersion, toWire, type EvaluationSpec, type PluginManifest } from '../../core/index.js';
import { EvaluationPool } from '../executor-pool/index.js';
import { SEARCHES_KEY, connectRedis, queueName, redisOptions } from './redis.js';
import type { EvaluationJob, EvaluationJobResult, WorkerInfo } from './index.js';

export interface WorkerOptions {
  redis: string;
  /** Jobs evaluated at once (one worker thread each). */
  concurrency: number;
  /**
   * How long a job's lock lasts without renewal: after a worker dies, its job goes back to the queue within
   * about this time (BullMQ's stalled-job check runs as often).
   */
  lockDurationMs: number;
  /** How this worker boots its kernel (its own mstf.config.json and --plugin). */
  boot: EvaluationSpec['boot'];
  builtins: PluginManifest<any>[];
  log: (line: string) => void;
  /**
   * Abort: stop taking jobs, finish the ones in hand, then resolve. (To release the jobs in hand instead,
   * exit: their locks expire and the stalled-job check gives them to another worker.)
   */
  signal: AbortSignal;
}

const WATCH_MS = 1_000;

/**
 * `mstf worker`: watch Redis for searches with queued work, check that this installation can evaluate them
 * exactly as the coordinator would (mstf version, plugin set), and evaluate their jobs in worker threads, so
 * this process's event loop stays free to renew job locks.
 */
export async function runWorker(opts: WorkerOptions): Promise<void> {
  const client = await connectRedis(opts.redis);
  const connection = redisOptions(opts.redis);
  const host = os.hostname();
  const info: WorkerInfo = { host, pid: process.pid, mstf: mstfVersion(), node: process.version };
  const runtime = new EvaluationRuntime(opts.builtins, { boot: opts.boot, host: `${host} pid ${process.pid}` });
  const pool = new EvaluationPool(opts.concurrency);
  const workers = new Map<string, Worker<EvaluationJob, EvaluationJobResult>>();
  const refused = new Set<string>();
  opts.log(
    `worker ${host} pid ${process.pid}: mstf ${info.mstf}, node ${info.node}, ${opts.concurrency} at a time, waiting for jobs on ${opts.redis}`,
  );

  const processor = async (job: Job<EvaluationJob, EvaluationJobResult>): Promise<EvaluationJobResult> => {
    const why = await runtime.refusal(job.data.spec);
    if (why) throw new UnrecoverableError(why);
    // Evaluate with this machine's kernel boot (plugins, data directory, backend).
    const spec: EvaluationSpec = { ...job.data.spec, boot: opts.boot };
    opts.log(`${job.queueName}: evaluating candidate ${job.data.index} (job ${job.id})`);
    const row = await pool.evaluate(spec, job.data.genotype);
    return { row: toWire(row), worker: info };
  };

  const watch = async () => {
    const searches = await client.hgetall(SEARCHES_KEY);
    for (const [id, text] of Object.entries(searches)) {
      if (workers.has(id) || refused.has(id)) continue;
      const why = await runtime.refusal(JSON.parse(text) as EvaluationSpec);
      if (why) {
        refused.add(id);
        opts.log(`refusing search ${id}: ${why}`);
        continue;
      }
      const w = new Worker<EvaluationJob, EvaluationJobResult>(queueName(id), processor, {
        connection,
        concurrency: opts.concurrency,
        lockDuration: opts.lockDurationMs,
        stalledInterval: opts.lockDurationMs,
        maxStalledCount: 10,
      });
      w.on('error', (e) => opts.log(`search ${id}: ${e.message}`));
      w.on('failed', (job, e) => opts.log(`search ${id} candidate ${job?.data.index ?? '?'}: ${e.message}`));
      workers.set(id, w);
      opts.log(`taking jobs of search ${id}`);
    }
    for (const [id, w] of workers) {
      if (!(id in searches)) {
        workers.delete(id);
        await w.close();
      }
    }
  };

  try {
    while (!opts.signal.aborted) {
      try {
        await watch();
      } catch (e) {
        opts.log(`watching ${opts.redis}: ${(e as Error).message}`);
      }
      await sleep(WATCH_MS, undefined, { signal: opts.signal }).catch(() => undefined);
    }
    opts.log(`stopping: finishing the jobs in hand (again to release them now)`);
    await Promise.all([...workers.values()].map((w) => w.close()));
  } finally {
    await pool.destroy();
    client.disconnect();
  }
}
