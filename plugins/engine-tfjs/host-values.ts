/**
 * Read a float32 tensor's values on the host without a copy where the backend allows it. On wasm the values
 * already live in the module's heap (a JS-visible ArrayBuffer): `f` gets a view of them, saving the copy
 * dataSync() makes (4 bytes per element, for every activation an indicator reads). Elsewhere `f` gets
 * dataSync()'s copy. The view is valid only while `f` runs and `f` must not create or dispose tensors (an
 * allocation may grow, and so move, the heap).
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { tf } from './tf.js';

export function withHostValues<T>(t: tf.Tensor, f: (values: Float32Array) => T): T {
  if (t.dtype !== 'float32') throw new Error(`withHostValues reads float32 tensors, got ${t.dtype}`);
  if (tf.getBackend() === 'wasm') return f((tf.backend() as BackendWasm).typedArrayFromHeap(t) as Float32Array);
  return f(t.dataSync() as Float32Array);
}
