import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import {
  definePlugin,
  engineOf,
  MstfError,
  type Executor,
  contextFromSpec,
  evaluateGenotype,
  type CandidateEvaluation,
} from '../../core/index.js';

/**
 * `local`: evaluates in this process, one candidate after another, in request order (the reference the
 * other executors must match). The tensor ops are synchronous, so between candidates it yields to the event
 * loop: signal handlers and timers run there, and an abort stops it before the next candidate (the one in
 * flight finishes and is reported).
 */
export const localExecutor: Executor = {
  id: 'local',
  kind: 'executor',
  batchAs: 'arrays',
  description: 'in-process, sequential, abortable between candidates',
  async open(spec, { kernel }) {
    // This thread's tensor backend, chosen as the workers choose theirs (the numbers depend on it).
    await engineOf(kernel, spec.boot.engine).ready(spec.boot.backend);
    const ctx = await contextFromSpec(kernel, spec, kernel.settings.dataDir);
    return {
      async evaluate(requests, opts) {
        const rows: CandidateEvaluation[] = [];
        for (const [i, request] of requests.entries()) {
          await yieldToEventLoop();
          if (opts.signal?.aborted) {
            throw new MstfError('CANCELLED', `cancelled after ${i} of ${requests.length} candidates`, {
              cause: opts.signal.reason,
            });
          }
          const row = await evaluateGenotype(ctx, request.genotype);
          rows.push(row);
          await opts.onResult?.(row, request);
        }
        return rows;
      },
      async close() {},
    };
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
