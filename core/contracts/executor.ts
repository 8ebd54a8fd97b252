import type { ExtensionBase } from './extension.js';

/**
 * Runs evaluation tasks. `local` runs them in-process one after another; a distributed executor would
 * spread them over workers. Results come back through onResult as they finish (progress, checkpoints).
 */
export interface Executor<Options = unknown> extends ExtensionBase<Options> {
  readonly kind: 'executor';
  run<T, R>(
    tasks: readonly T[],
    work: (task: T, index: number) => Promise<R>,
    opts: { onResult?: (result: R, index: number) => void | Promise<void>; signal?: AbortSignal },
  ): Promise<R[]>;
}
