/**
 * Memory of a training step and of an evaluation forward, estimated from the IR, and the micro-batch that
 * keeps a step inside the backend's memory limit.
 *
 * Why: the wasm backend's heap cannot grow past 4 GiB, and an allocation past it aborts the wasm module for
 * the rest of the process. A step that would not fit is split into micro-batches whose gradients are
 * accumulated (micro-batch.ts); one that does not fit even for one example is refused before anything runs.
 */
import { MstfError } from '../errors.js';
import { inferShapes } from '../ir/shapes.js';
import { networkCost } from '../ir/cost.js';
import type { NetworkIR } from '../ir/types.js';

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

/**
 * Calibration (wasm heap high-water mark after one step in a fresh process, 28x28x1 inputs, 2 classes,
 * batches 4 and 16; docs/decisions.md "Training memory"). MSTF at C0 = 128 (33.2 MB of float32 activations
 * per example, 4.5 M parameters): 647 MB and 2,347 MB. ResNet-50 (34.4 MB, 23.5 M parameters): 1,049 MB and
 * 2,720 MB. So a step holds 4.05-4.27x the activations per example (activations kept on the tape, their
 * gradients, which tfjs keeps until the backward pass ends, and the conv kernels' transposed copies) and
 * about 5x the parameters (weights, gradients, Adam's two moments and temporaries), plus one more for the
 * accumulated gradients. An evaluation forward keeps every activation of its chunk until the chunk ends:
 * MSTF C0 = 128 at batch 32, 1,860 MB (1.65x the activations per example).
 * ResNet-18 at batch 128 (6.1 MB, 11.2 M parameters): 3,268 MB, 3.9x. The factors below are those
 * measurements rounded up, times a margin of 10% for heap fragmentation (the unmargined estimate is already
 * 5-11% above each measured peak, which itself includes up to 96 MB of emscripten growth step).
 */
const MARGIN = 1.1;
export const CALIBRATION = {
  trainPerActivation: 4.3 * MARGIN,
  trainPerParam: 6 * MARGIN,
  evalPerActivation: 1.7 * MARGIN,
  evalPerParam: 1 * MARGIN,
  /** The wasm module itself (16 MB), its stack, the input batch and small tensors. */
  baseBytes: 32 * 2 ** 20,
};

export interface StepMemory {
  /** Bytes that do not depend on the batch (parameters, gradients, optimizer state). */
  fixedBytes: number;
  /** Bytes per example of the batch. */
  perExampleBytes: number;
}

/** float32 elements of every node's output for one example. */
export function activationFloats(ir: NetworkIR): number {
  let floats = 0;
  for (const shape of inferShapes(ir).values()) floats += shape.reduce((a, b) => a * b, 1);
  return floats;
}

/** Peak memory of one training step (forward, backward, accumulation, Adam) as fixed + per-example bytes. */
export function trainStepMemory(ir: NetworkIR): StepMemory {
  const params = networkCost(ir).params;
  return {
    fixedBytes: CALIBRATION.baseBytes + params * 4 * CALIBRATION.trainPerParam,
    perExampleBytes: activationFloats(ir) * 4 * CALIBRATION.trainPerActivation,
  };
}

/** Peak memory of one evaluation forward (batchnorm in eval mode, no tape). */
export function evalMemory(ir: NetworkIR): StepMemory {
  const params = networkCost(ir).params;
  return {
    fixedBytes: CALIBRATION.baseBytes + params * 4 * CALIBRATION.evalPerParam,
    perExampleBytes: activationFloats(ir) * 4 * CALIBRATION.evalPerActivation,
  };
}

export const bytesFor = (m: StepMemory, n: number): number => m.fixedBytes + m.perExampleBytes * n;

/** Largest n <= cap whose estimate fits `limit` (0 when not even one example does). */
export function largestFitting(m: StepMemory, limit: number, cap: number): number {
  return Math.max(0, Math.min(cap, Math.floor((limit - m.fixedBytes) / m.perExampleBytes)));
}

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
