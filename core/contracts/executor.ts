import type { ExtensionBase } from './extension.js';
import type { CandidateEvaluation, EvaluationRequest, EvaluationSpec } from '../evaluation/spec.js';
import type { Kernel } from '../kernel/loader.js';

/** What a search gives an executor when it opens a session. */
export interface ExecutorOpenOptions {
  /** The search (queue names, logs); a one-off evaluation uses a fresh id. */
  searchId: string;
  /** The caller's booted kernel (the in-process executor evaluates with it). */
  kernel: Pick<Kernel, 'registry' | 'optionsOf' | 'settings' | 'plugins'>;
  /** Worker threads / concurrent jobs (pool: default the available cores). */
  workers?: number;
  /** redis://host:port (bullmq). */
  redis?: string;
  /** One-line diagnostics (workers joining, refusals); stderr in the CLI. */
  log?: (line: string) => void;
}

/** One search's evaluations through one executor; closed when the search run ends (or is cancelled). */
export interface ExecutorSession {
  /**
   * Evaluate every request; `onResult` sees each row as it arrives (any order: the caller stores it by
   * `request.index`). Resolves with the rows in request order. On abort it rejects with MstfError
   * CANCELLED as soon as it can: rows that arrived were reported, the others are dropped.
   */
  evaluate(
    requests: readonly EvaluationRequest[],
    opts: {
      signal?: AbortSignal;
      onResult?: (row: CandidateEvaluation, request: EvaluationRequest) => void | Promise<void>;
    },
  ): Promise<CandidateEvaluation[]>;
  /** Release threads, queues and connections. `cancelled`: also drop queued work (bullmq). */
  close(opts?: { cancelled?: boolean; finished?: boolean }): Promise<void>;
}

/**
 * Runs evaluation tasks. A task is data: an EvaluationSpec (once per search) plus a genotype text; the
 * result is the plain JSON row the run store keeps. `local` evaluates in this process, `pool` in worker
 * threads, `bullmq` in `mstf worker` processes on any machine, each rebuilding what it needs from the spec.
 */
export interface Executor<Options = unknown> extends ExtensionBase<Options> {
  readonly kind: 'executor';
  /** How the spec carries the indicator batch: the arrays (same machine) or dataset + seed (workers elsewhere draw it again). */
  readonly batchAs: 'arrays' | 'dataset';
  open(spec: EvaluationSpec, opts: ExecutorOpenOptions): Promise<ExecutorSession>;
}
