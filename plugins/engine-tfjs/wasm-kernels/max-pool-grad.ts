/**
 * MaxPoolGrad for wasm. The stock kernel is wrong in most configurations (any 'same' padding, even
 * windows). This one is a JS loop over the wasm heap with TensorFlow's semantics: the first maximum of
 * each window takes the gradient; padding never wins.
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { tf } from '../tf.js';

export const maxPoolGradConfig: tf.KernelConfig = {
  kernelName: tf.MaxPoolGrad,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { dy, input } = inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
    const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as tf.MaxPoolGradAttrs;
    const wasm = backend as BackendWasm;
    const info = tf.backend_util.computePool2DInfo(
      input.shape as [number, number, number, number],
      filterSize,
      strides,
      1,
      pad,
      dimRoundingMode,
    );
    const { batchSize: n, inHeight: h, inWidth: w, inChannels: c, outHeight: ho, outWidth: wo } = info;
    const { strideHeight: sh, strideWidth: sw, effectiveFilterHeight: kh, effectiveFilterWidth: kw } = info;
    const { top, left } = info.padInfo;
    const out = wasm.makeOutput(input.shape, 'float32');
    // Heap views only after makeOutput: allocating may grow (and move) the heap.
    const x = wasm.typedArrayFromHeap(input) as Float32Array;
    const g = wasm.typedArrayFromHeap(dy) as Float32Array;
    const dx = wasm.typedArrayFromHeap(out) as Float32Array;
    dx.fill(0);
    const best = new Float32Array(c);
    const at = new Int32Array(c);
    for (let b = 0; b < n; b++) {
      for (let oh = 0; oh < ho; oh++) {
        for (let ow = 0; ow < wo; ow++) {
          best.fill(-Infinity);
          at.fill(-1);
          const h0 = oh * sh - top;
          const w0 = ow * sw - left;
          for (let i = 0; i < kh; i++) {
            const hh = h0 + i;
            if (hh < 0 || hh >= h) continue;
            for (let j = 0; j < kw; j++) {
              const ww = w0 + j;
              if (ww < 0 || ww >= w) continue;
              const base = ((b * h + hh) * w + ww) * c;
              for (let k = 0; k < c; k++) {
                const v = x[base + k]!;
                if (v > best[k]!) {
                  best[k] = v;
                  at[k] = base + k;
                }
              }
            }
          }
          const ob = ((b * ho + oh) * wo + ow) * c;
          for (let k = 0; k < c; k++) if (at[k]! >= 0) dx[at[k]!]! += g[ob + k]!;
        }
      }
    }
    return out;
  },
};
