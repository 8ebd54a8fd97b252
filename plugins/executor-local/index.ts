import { definePlugin } from '../../core/kernel/plugin.js';
import { MstfError } from '../../core/errors.js';
import type { Executor } from '../../core/contracts/executor.js';

/**
 * `local`: runs the tasks in this process, one after another, in order. Before each task it checks the
 * abort signal, so a cancelled search stops after the candidate in flight (which is stored) and never
 * starts another. The result of each task goes to onResult before the next task starts, so the caller
 * can store it (resume picks up from there).
 */
export const localExecutor: Executor = {
  id: 'local',
  kind: 'executor',
  description: 'in-process, sequential, abortable between tasks',
  async run<T, R>(
    tasks: readonly T[],
    work: (task: T, index: number) => Promise<R>,
    opts: { onResult?: (result: R, index: number) => void | Promise<void>; signal?: AbortSignal } = {},
  ): Promise<R[]> {
    const results: R[] = [];
    for (let i = 0; i < tasks.length; i++) {
      if (opts.signal?.aborted) {
        throw new MstfError('CANCELLED', `cancelled after ${i} of ${tasks.length} tasks`, { cause: opts.signal.reason });
      }
      const r = await work(tasks[i]!, i);
      results.push(r);
      if (opts.onResult) await opts.onResult(r, i);
    }
    return results;
  },
};

export default definePlugin({
  name: '@mstf/executor-local',
  version: '0.1.0',
  apiVersion: '^1.0.0',
  provides: { executor: ['local'] },
  register(ctx) {
    ctx.add('executor', localExecutor);
  },
});
