/**
 * Trainings in the run store: a row when a training starts (linked to its search when trained from one),
 * updated when it completes, is cancelled or fails, so `mstf runs list/show` and the MCP server see them.
 * The training's files (config, checkpoints, model, metrics.json) stay in its own directory.
 */
import { oneLine } from '../errors.js';
import { RunStore } from './run-store.js';
import type { TrainingStart } from './types.js';

/** The final metrics as stored: everything metrics.json holds except the (large, duplicated) config. */
function storedMetrics(m: Record<string, unknown>): Record<string, unknown> {
  const { config: _c, ...rest } = m;
  return rest;
}

/**
 * `storeAt`: the kernel's run store, or a store file.
 * Record the start now (a store that cannot be written fails the training before it begins); the
 * returned `outcome` records how the given training promise ends and passes its value through.
 */
export function recordTraining(storeAt: string | RunStore, start: TrainingStart) {
  const withStore = <T>(f: (s: RunStore) => T): T => {
    // A kernel's open store (core/kernel/services.ts) is used as it is; a path is opened for each write.
    if (typeof storeAt !== 'string') return f(storeAt);
    const store = RunStore.open(storeAt);
    try {
      return f(store);
    } finally {
      store.close();
    }
  };
  withStore((s) => s.startTraining(start));
  return {
    async outcome<M extends object>(training: Promise<M | undefined>): Promise<M | undefined> {
      let metrics: M | undefined;
      try {
        metrics = await training;
      } catch (e) {
        withStore((s) => s.finishTraining(start.outDir, 'failed', { error: oneLine(e) }));
        throw e;
      }
      if (metrics)
        withStore((s) =>
          s.finishTraining(start.outDir, 'completed', { metrics: storedMetrics(metrics as Record<string, unknown>) }),
        );
      else withStore((s) => s.finishTraining(start.outDir, 'cancelled'));
      return metrics;
    },
  };
}
