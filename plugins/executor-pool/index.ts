import { setMaxListeners } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import {
  z,
  definePlugin,
  MstfError,
  type MstfErrorCode,
  type Executor,
  packageRoot,
  type CandidateEvaluation,
  type EvaluationSpec,
} from '../../core/index.js';
import type { PoolReply, PoolTask } from './worker.js';

/** The compiled worker module. Running from TypeScript sources (tests, bench) the threads use dist/: build first. */
export function poolWorkerFile(): string {
  const here = fileURLToPath(import.meta.url);
  const file = here.endsWith('.ts')
    ? path.join(packageRoot(), 'dist', 'plugins', 'executor-pool', 'worker.js')
    : path.join(path.dirname(here), 'worker.js');
  if (!fs.existsSync(file))
    throw new MstfError('EXECUTOR_UNAVAILABLE', `pool worker ${file} is missing: run \`npm run build\``);
  return file;
}

export function defaultWorkers(): number {
  return os.availableParallelism();
}

/**
 * Worker threads that evaluate candidates, each with its own tensor backend. Used by the `pool` executor,
 * by `mstf worker` (BullMQ jobs) and by the MCP server's score_architecture, so no caller's event loop
 * ever runs a network.
 */
export class EvaluationPool {
  private readonly pool: Piscina;

  constructor(threads: number, opts: { idleTimeoutMs?: number } = {}) {
    if (!Number.isInteger(threads) || threads < 1)
      throw new MstfError('INVALID_ARGUMENT', `workers must be a positive integer, got ${threads}`);
    this.pool = new Piscina({
      filename: poolWorkerFile(),
      minThreads: opts.idleTimeoutMs === undefined ? threads : 0,
      maxThreads: threads,
      concurrentTasksPerWorker: 1,
      idleTimeout: opts.idleTimeoutMs ?? Number.POSITIVE_INFINITY,
    });
  }

  get threads(): number {
    return this.pool.options.maxThreads;
  }

  /**
   * Evaluate one genotype in a thread. Abort: a queued task is dropped, a running one ends with its thread
   * (the pool starts a fresh one), and this rejects with MstfError CANCELLED at once.
   */
  async evaluate(
    spec: EvaluationSpec,
    genotype: string,
    opts: { signal?: AbortSignal; onProgress?: (e: { indicator: string; index: number; total: number }) => void } = {},
  ): Promise<CandidateEvaluation> {
    if (opts.signal?.aborted) throw new MstfError('CANCELLED', 'cancelled', { cause: opts.signal.reason });
    const task: PoolTask = { spec, genotype };
    const transferList = [];
    let channel: MessageChannel | undefined;
    let drained: Promise<void> = Promise.resolve();
    if (opts.onProgress) {
      const onProgress = opts.onProgress;
      channel = new MessageChannel();
      const port = channel.port1;
      drained = new Promise((resolve) => {
        port.on('message', (m: { done?: boolean; indicator: string; index: number; total: number }) => {
          if (m.done) resolve();
          else onProgress(m);
        });
      });
      task.progress = channel.port2;
      transferList.push(channel.port2);
    }
    let reply: PoolReply;
    try {
      reply = (await this.pool.run(task, {
        ...(opts.signal ? { signal: opts.signal } : {}),
        transferList: transferList as never,
      })) as PoolReply;
      await drained;
    } catch (e) {
      if (opts.signal?.aborted) throw new MstfError('CANCELLED', 'cancelled', { cause: opts.signal.reason });
      throw new MstfError('INTERNAL', `pool worker died: ${(e as Error).message}`);
    } finally {
      channel?.port1.close();
    }
    if ('error' in reply) throw new MstfError(reply.error.code as MstfErrorCode, reply.error.message);
    return reply.row;
  }

  async destroy(): Promise<void> {
    await this.pool.destroy();
  }
}

export const PoolOptionsSchema = z.strictObject({
  workers: z.number().int().min(1).max(1024).optional().describe('worker threads (default: available cores)'),
});

/**
 * `pool`: every candidate of a generation goes to a pool of worker threads at once; rows are reported as
 * they arrive and returned in request order, so the search stores and tells exactly what `local` would.
 */
export const poolExecutor: Executor<z.infer<typeof PoolOptionsSchema>> = {
  id: 'pool',
  kind: 'executor',
  batchAs: 'arrays',
  description: 'worker threads on this machine (--workers N, default: available cores)',
  optionsSchema: PoolOptionsSchema,
  async open(spec, { workers, kernel }) {
    const configured = (kernel.optionsOf('executor', 'pool') as { workers?: number } | undefined)?.workers;
    const pool = new EvaluationPool(workers ?? configured ?? defaultWorkers());
    return {
      async evaluate(requests, opts) {
        const rows: CandidateEvaluation[] = new Array(requests.length);
        const inner = new AbortController();
        setMaxListeners(requests.length + 10, inner.signal); // one listener per task in flight
        const onAbort = () => inner.abort(opts.signal?.reason);
        opts.signal?.addEventListener('abort', onAbort, { once: true });
        if (opts.signal?.aborted) onAbort();
        try {
          await Promise.all(
            requests.map(async (request, k) => {
              const row = await pool.evaluate(spec, request.genotype, { signal: inner.signal });
              rows[k] = row;
              await opts.onResult?.(row, request);
            }),
          );
        } catch (e) {
          inner.abort(e); // one failed: drop the rest
          throw e;
        } finally {
          opts.signal?.removeEventListener('abort', onAbort);
        }
        return rows;
      },
      close: () => pool.destroy(),
    };
  },
};

export default definePlugin({
  name: '@mstf/executor-pool',
  version: '0.1.0',
  apiVersion: '^1.0.0',
  provides: { executor: ['pool'] },
  register(ctx) {
    ctx.add('executor', poolExecutor);
  },
});
