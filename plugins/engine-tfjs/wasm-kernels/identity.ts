/**
 * Identity for wasm without a copy. tfjs-core clones (Identity) every tensor it saves for the backward pass
 * while a gradient is being recorded; the stock wasm kernel copies the data each time, so a training step or a
 * gradient indicator duplicates nearly every activation (time and wasm heap). Tensors are immutable and the
 * wasm Reshape kernel already shares data the same way (a reference count on the dataId), as the cpu and
 * webgl backends' Identity do. Values are unchanged.
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { tf } from '../tf.js';

export const identityConfig: tf.KernelConfig = {
  kernelName: tf.Identity,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend }) => {
    const { x } = inputs as { x: tf.TensorInfo };
    (backend as BackendWasm).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  },
};
