/**
 * The micro-batch that keeps a training step inside the backend's memory limit, from the estimates of a
 * training step and of an evaluation forward (core/memory/estimate.ts).
 *
 * Why: the wasm backend's heap cannot grow past 4 GiB, and an allocation past it aborts the wasm module for
 * the rest of the process. A step that would not fit is split into micro-batches whose gradients are
 * accumulated (micro-batch.ts); one that does not fit even for one example is refused before anything runs.
 */
import { MstfError } from '../errors.js';
import type { NetworkIR } from '../ir/types.js';
import { bytesFor, estimateMemory, largestFitting, type StepMemory } from '../memory/estimate.js';

/** A backend's hard memory limit, where it has one. */
export interface MemoryLimit {
  backend: string;
  bytes: number;
  what: string;
}

/**
 * tfjs-backend-wasm 4.22 is built with a 4 GiB maximum heap (emscripten's getHeapMax(): 4 GiB - 64 KiB).
 * The cpu backend (JS typed arrays) and tensorflow (native) have no limit of their own beyond the machine's.
 */
const LIMITS: Record<string, MemoryLimit> = {
  wasm: { backend: 'wasm', bytes: 4294901760, what: "the wasm backend's 4 GiB heap" },
};

export function backendMemoryLimit(backend: string): MemoryLimit | undefined {
  return LIMITS[backend];
}

/** Peak memory of one training step (forward, backward, accumulation, Adam): estimate 'trainStep'. */
export const trainStepMemory = (ir: NetworkIR): StepMemory => estimateMemory(ir, 'trainStep');

/** Peak memory of one evaluation forward (batchnorm in eval mode, no tape): estimate 'evalForward'. */
export const evalMemory = (ir: NetworkIR): StepMemory => estimateMemory(ir, 'evalForward');

/** Sizes of the micro-batches of a batch of n split into ceil(n / micro) near-equal parts (larger first). */
export function microBatchSizes(n: number, micro: number): number[] {
  const parts = Math.ceil(n / Math.max(1, Math.min(micro, n)));
  const base = Math.floor(n / parts);
  const extra = n % parts;
  return Array.from({ length: parts }, (_, i) => base + (i < extra ? 1 : 0));
}

export type MicroBatchRequest = number | 'auto';

export interface MemoryPlan {
  backend: string;
  batchSize: number;
  /** Largest micro-batch of a full batch (the batch itself when it fits). */
  microBatch: number;
  /** Micro-batches per full batch. */
  microBatches: number;
  /** Examples per evaluation forward. */
  evalBatch: number;
  /** Estimated peak bytes of a step at `microBatch`, and of an evaluation forward at `evalBatch`. */
  stepBytes: number;
  evalBytes: number;
  /** The backend's limit, null when it has none. */
  limitBytes: number | null;
  /** One line: why this micro-batch. */
  reason: string;
}

export const gib = (bytes: number): string => `${(bytes / 2 ** 30).toFixed(2)} GiB`;

/**
 * The micro-batch and evaluation chunk for a training of `ir` with `batchSize` on `backend`. `requested`:
 * 'auto' takes the whole batch when it fits, else the largest micro-batch that fits (split evenly); a number
 * is used as given (capped at the batch) unless its estimate passes the limit. Throws
 * MstfError('INVALID_ARGUMENT') when one example does not fit.
 */
export function planMemory(
  ir: NetworkIR,
  batchSize: number,
  backend: string,
  requested: MicroBatchRequest = 'auto',
): MemoryPlan {
  if (requested !== 'auto' && (!Number.isInteger(requested) || requested < 1)) {
    throw new MstfError('INVALID_ARGUMENT', `micro-batch must be a positive integer or auto, got ${String(requested)}`);
  }
  const train = trainStepMemory(ir);
  const evaluation = evalMemory(ir);
  const limit = backendMemoryLimit(backend);
  const finish = (micro: number, evalBatch: number, reason: string, limitBytes: number | null): MemoryPlan => {
    const sizes = microBatchSizes(batchSize, micro);
    const microBatch = sizes[0]!;
    return {
      backend,
      batchSize,
      microBatch,
      microBatches: sizes.length,
      evalBatch,
      stepBytes: bytesFor(train, microBatch),
      evalBytes: bytesFor(evaluation, evalBatch),
      limitBytes,
      reason,
    };
  };
  if (!limit) {
    const micro = requested === 'auto' ? batchSize : Math.min(requested, batchSize);
    const why = requested === 'auto' ? 'the whole batch' : `--micro-batch ${requested}`;
    return finish(micro, batchSize, `${why}; backend ${backend} has no known memory limit`, null);
  }
  const one = bytesFor(train, 1);
  if (one > limit.bytes) {
    throw new MstfError(
      'INVALID_ARGUMENT',
      `a training step of this network needs about ${gib(one)} for a single example (estimate), over ${limit.what} (${gib(limit.bytes)}); ` +
        'use a smaller network (--channels) or --backend tensorflow',
    );
  }
  const fits = largestFitting(train, limit.bytes, batchSize);
  const evalBatch = Math.max(1, largestFitting(evaluation, limit.bytes, batchSize));
  if (requested !== 'auto') {
    const micro = microBatchSizes(batchSize, requested)[0]!;
    const bytes = bytesFor(train, micro);
    if (bytes > limit.bytes) {
      throw new MstfError(
        'INVALID_ARGUMENT',
        `--micro-batch ${requested}: a step needs about ${gib(bytes)} (estimate), over ${limit.what} (${gib(limit.bytes)}); ` +
          `use --micro-batch ${fits} or less, or auto`,
      );
    }
    return finish(
      micro,
      evalBatch,
      `--micro-batch ${requested} (estimate ${gib(bytes)} of ${gib(limit.bytes)})`,
      limit.bytes,
    );
  }
  if (fits >= batchSize) {
    return finish(
      batchSize,
      evalBatch,
      `the whole batch fits ${limit.what} (estimate ${gib(bytesFor(train, batchSize))})`,
      limit.bytes,
    );
  }
  const sizes = microBatchSizes(batchSize, fits);
  return finish(
    fits,
    evalBatch,
    `a batch of ${batchSize} needs about ${gib(bytesFor(train, batchSize))} (estimate), over ${limit.what}; ` +
      `gradients accumulated over ${sizes.length} micro-batches of at most ${sizes[0]} (estimate ${gib(bytesFor(train, sizes[0]!))})`,
    limit.bytes,
  );
}
