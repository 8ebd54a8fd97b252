/**
 * The ONE place that imports TensorFlow.js. Every other file imports `tf` from here, so there is one
 * tfjs-core copy (kernels and gradients register per copy) and the cpu backend is always available.
 *
 * `@tensorflow/tfjs-core`'s Node bundle registers NO gradients; `@tensorflow/tfjs`'s Node bundle registers
 * all of them (and the pure-JS `cpu` backend) on load, against the same single tfjs-core copy.
 * Backends (`tensorflow`, `wasm`) are chosen in ./backend.ts.
 */
import '@tensorflow/tfjs';
import { enableProdMode } from '@tensorflow/tfjs-core';

// Silences tfjs' "install tfjs-node" banner on stderr (the backend choice is reported by `mstf doctor`).
enableProdMode();

export * as tf from '@tensorflow/tfjs-core';
export type { Tensor, Tensor1D, Tensor2D, Tensor4D, Scalar, Variable, Rank } from '@tensorflow/tfjs-core';
