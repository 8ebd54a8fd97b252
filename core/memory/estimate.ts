/**
 * The one memory estimate: bytes a pass over a NetworkIR needs, as fixed bytes (parameters, optimizer state)
 * plus bytes per example (float32 activations), for each purpose mstf checks memory for. Every estimate in
 * mstf comes from here:
 *
 * - the indicator runner (core/indicators/runner.ts): 'backward' or 'secondOrder' per data indicator;
 * - the search's up-front guard (core/search/memory-guard.ts): 'forward' or 'backward' for the indicator batch;
 * - the MCP server's admission check (mcp-server/limits.ts): 'backward' for a search's or a training's batch;
 * - training's micro-batch planner (core/training/memory.ts): 'trainStep' and 'evalForward'.
 *
 * What the estimate is compared with (the bound) is not here: the engine gives it (Engine.memoryLimit; training's
 * hard-heap table is core/training/memory.ts backendMemoryLimit).
 *
 * Two calibrations live side by side below ON PURPOSE; they answer different questions and were measured
 * differently (docs/decisions.md "One memory estimate (#17)"):
 * - INDICATOR_FACTORS: coarse multiples of the activations, checked against the engine's budget (tfjs wasm: 2 GiB,
 *   half the 4 GiB heap, so the kernels' temporaries on top of the estimate still fit). Measured as peak RSS /
 *   abort points of whole indicator runs.
 * - TRAINING_CALIBRATION: fitted to the wasm heap high-water mark of one training step, with a 10% margin, and
 *   checked against the full heap; the unmargined estimate is 5-11% above each measured peak.
 */
import { networkCost } from '../ir/cost.js';
import { inferShapes } from '../ir/shapes.js';
import type { NetworkIR } from '../ir/types.js';

/** Bytes of one float32 element. */
export const FLOAT_BYTES = 4;

/**
 * Multiples of the activations used by the indicator runner, the search guard and MCP admission. No parameter
 * term: at indicator batch sizes the activations dominate.
 */
export const INDICATOR_FACTORS = {
  /**
   * A forward pass frees each activation once its consumers ran, so its peak is a few of the largest activations
   * at once: 3 x the largest node output (an op's input, its output, and one skip). Measured: jacob_cov (forward
   * only) on a sampled mstf network at 800x800, C0 = 16, batch 32 aborts the wasm module and the process
   * (estimate 11.0 GiB, peak RSS 4.2 GB); the same network at 224x224 is 0.86 GiB.
   */
  forwardLargest: 3,
  /**
   * One backward pass: every activation on the tape plus about as much again for gradients and kernel
   * temporaries. Measured (plugins/engine-tfjs, WASM_BACKPROP_LIMIT_BYTES): mstf C0 = 128 at 28x28, batch 32
   * runs (estimate 1.8 GiB, peak RSS 4.3 GB), batch 53 aborts the module (3.0 GiB).
   */
  backward: 2,
  /** Peak tensor bytes of grasp's second-order pass / grad_norm's backward pass (tf.profile, NB201 cell): 5.0. */
  secondOrderPerBackward: 5,
} as const;

/**
 * Training (wasm heap high-water mark after one step in a fresh process, 28x28x1 inputs, 2 classes,
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
export const TRAINING_CALIBRATION = {
  trainPerActivation: 4.3 * MARGIN,
  trainPerParam: 6 * MARGIN,
  evalPerActivation: 1.7 * MARGIN,
  evalPerParam: 1 * MARGIN,
  /** The wasm module itself (16 MB), its stack, the input batch and small tensors. */
  baseBytes: 32 * 2 ** 20,
};

/** What the memory is for. */
export type MemoryPurpose =
  /** A forward pass only (jacob_cov, the forward-only indicators). */
  | 'forward'
  /** One backward pass of a batch (grad_norm, snip, ...; MCP admission). */
  | 'backward'
  /** A second-order pass (grasp's Hessian-gradient product). */
  | 'secondOrder'
  /** One training step: forward, backward, gradient accumulation, Adam. */
  | 'trainStep'
  /** An evaluation forward during training (batchnorm in eval mode, no tape). */
  | 'evalForward';

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

/** float32 elements of the largest node output for one example. */
export function largestActivationFloats(ir: NetworkIR): number {
  let largest = 0;
  for (const shape of inferShapes(ir).values())
    largest = Math.max(
      largest,
      shape.reduce((a, b) => a * b, 1),
    );
  return largest;
}

/** The estimate of `purpose` for `ir` as fixed + per-example bytes. */
export function estimateMemory(ir: NetworkIR, purpose: MemoryPurpose): StepMemory {
  const F = INDICATOR_FACTORS;
  const C = TRAINING_CALIBRATION;
  switch (purpose) {
    case 'forward':
      return { fixedBytes: 0, perExampleBytes: F.forwardLargest * largestActivationFloats(ir) * FLOAT_BYTES };
    case 'backward':
      return { fixedBytes: 0, perExampleBytes: activationFloats(ir) * FLOAT_BYTES * F.backward };
    case 'secondOrder':
      return {
        fixedBytes: 0,
        perExampleBytes: activationFloats(ir) * FLOAT_BYTES * F.backward * F.secondOrderPerBackward,
      };
    case 'trainStep':
      return {
        fixedBytes: C.baseBytes + networkCost(ir).params * FLOAT_BYTES * C.trainPerParam,
        perExampleBytes: activationFloats(ir) * FLOAT_BYTES * C.trainPerActivation,
      };
    case 'evalForward':
      return {
        fixedBytes: C.baseBytes + networkCost(ir).params * FLOAT_BYTES * C.evalPerParam,
        perExampleBytes: activationFloats(ir) * FLOAT_BYTES * C.evalPerActivation,
      };
  }
}

/** Bytes of an estimate for a batch of n. */
export const bytesFor = (m: StepMemory, n: number): number => m.fixedBytes + m.perExampleBytes * n;

/** Bytes `purpose` needs for `ir` and a batch of n (estimateMemory, then bytesFor). */
export function estimateBytes(ir: NetworkIR, purpose: MemoryPurpose, n: number): number {
  return bytesFor(estimateMemory(ir, purpose), n);
}

/** Largest n <= cap whose estimate fits `limit` (0 when not even one example does). */
export function largestFitting(m: StepMemory, limit: number, cap: number): number {
  return Math.max(0, Math.min(cap, Math.floor((limit - m.fixedBytes) / m.perExampleBytes)));
}
