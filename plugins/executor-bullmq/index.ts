import { createHash } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { Queue, QueueEvents, type Job } from 'bullmq';
import {
  definePlugin,
  MstfError,
  type Executor,
  fromWire,
  type CandidateEvaluation,
  type EvaluationSpec,
} from '../../core/index.js';
import { SEARCHES_KEY, connectRedis, queueName, redisOptions } from './redis.js';

/** What a worker puts in a job's data and return value. */
export interface EvaluationJob {
  spec: EvaluationSpec;
  index: number;
  genotype: string;
}
export interface WorkerInfo {
  host: string;
  pid: number;
  mstf: string;
  node: string;
}
export interface EvaluationJobResult {
  row: unknown;
  worker: WorkerInfo;
}

/**
 * The job id of a genotype: the same genotype always has the same scores in a search, so a coordinator that
 * resumes after being killed re-adds the same ids and collects what the workers finished meanwhile.
 */
export function jobIdOf(genotype: string): string {
  return createHash('sha256').update(genotype).digest('hex').slice(0, 32);
}

/**
 * `bullmq`: each generation's candidates become jobs on the search's own queue in Redis; `mstf worker`
 * processes on any machine evaluate them. BullMQ's stalled-job check gives the job of a killed worker to
 * another one. The queue is removed when the search completes; cancelling drops the jobs still waiting.
 */
export const bullmqExecutor: Executor = {
  id: 'bullmq',
  kind: 'executor',
  batchAs: 'dataset',
  description: 'jobs on Redis (--redis URL), evaluated by `mstf worker` processes on any machine',
  async open(spec, { searchId, redis, log }) {
    if (!redis)
      throw new MstfError('INVALID_ARGUMENT', 'executor bullmq needs a Redis URL (--redis redis://HOST:PORT)');
    const client = await connectRedis(redis);
    const connection = redisOptions(redis);
    const name = queueName(searchId);
    const queue = new Queue<EvaluationJob, EvaluationJobResult>(name, { connection });
    const events = new QueueEvents(name, { connection });
    await events.waitUntilReady();
    // Every job waited on adds a listener; a generation has as many jobs as offspring.
    events.setMaxListeners(0);
    queue.setMaxListeners(0);
    // Workers watch this hash to find the queue, and check the spec's version and plugins before taking jobs.
    await client.hset(SEARCHES_KEY, searchId, JSON.stringify(spec));
    const seen = new Set<string>();
    let announced = false;

    const resultOf = async (
      job: Job<EvaluationJob, EvaluationJobResult>,
      signal?: AbortSignal,
    ): Promise<CandidateEvaluation> => {
      if ((await job.getState()) === 'failed') await job.retry('failed'); // left failed by an earlier run
      const finished = job.waitUntilFinished(events);
      let stop = () => {};
      const aborted = new Promise<never>((_, reject) => {
        stop = () => reject(new MstfError('CANCELLED', 'cancelled', { cause: signal?.reason }));
        if (signal?.aborted) stop();
        signal?.addEventListener('abort', stop, { once: true });
      });
      let result: EvaluationJobResult;
      try {
        result = await Promise.race([finished, aborted]);
      } catch (e) {
        if (e instanceof MstfError) throw e;
        throw new MstfError('INTERNAL', `bullmq job for candidate ${job.data.index}: ${(e as Error).message}`);
      } finally {
        signal?.removeEventListener('abort', stop);
      }
      const w = result.worker;
      const who = `${w.host} pid ${w.pid}`;
      if (!seen.has(who)) {
        seen.add(who);
        log?.(`worker ${who} (mstf ${w.mstf}, node ${w.node}) is evaluating candidates of search ${searchId}`);
      }
      return fromWire(result.row);
    };

    return {
      async evaluate(requests, opts) {
        if (!announced && (await queue.getWorkersCount()) === 0) {
          log?.(`no worker is connected yet: start \`mstf worker --redis ${redis}\` on one or more machines`);
        }
        announced = true;
        const jobs = await queue.addBulk(
          requests.map((r) => ({
            name: 'evaluate',
            data: { spec, index: r.index, genotype: r.genotype },
            opts: { jobId: jobIdOf(r.genotype), attempts: 1, removeOnComplete: false, removeOnFail: false },
          })),
        );
        const rows: CandidateEvaluation[] = new Array(requests.length);
        if (opts.signal) setMaxListeners(requests.length + 10, opts.signal); // one listener per job waited on
        await Promise.all(
          jobs.map(async (job, k) => {
            const row = await resultOf(job, opts.signal);
            rows[k] = row;
            await opts.onResult?.(row, requests[k]!);
          }),
        );
        return rows;
      },
      async close({ cancelled = false, finished = false } = {}) {
        try {
          if (finished) {
            await queue.obliterate({ force: true });
            await client.hdel(SEARCHES_KEY, searchId);
          } else if (cancelled) {
            // Cancel reaches the queue: jobs no worker has taken are dropped; resume adds them again.
            await queue.drain(true);
            await client.hdel(SEARCHES_KEY, searchId);
          }
        } finally {
          await events.close();
          await queue.close();
          client.disconnect();
        }
      },
    };
  },
};

export default definePlugin({
  name: '@mstf/executor-bullmq',
  version: '0.1.0',
  apiVersion: '^1.0.0',
  provides: { executor: ['bullmq'] },
  register(ctx) {
    ctx.add('executor', bullmqExecutor);
  },
});
