import { tf } from './tf.js';
import { ensureBackend, resolveBackend } from './backend.js';
import { compileNetwork } from './compile.js';
import { batchToTensors } from './batch.js';
import { taskLoss } from './losses.js';
import { Adam } from './optimizers.js';
import { exactHessianVectorProduct, gradientAndHessianGradientProduct, taskLossTwice } from './second-order.js';
import { withHostValues } from './host-values.js';
import { definePlugin, type Engine } from '../../core/index.js';

/**
 * The wasm backend's heap is at most 4 GiB and an allocation past it aborts the wasm module for the rest of the
 * process (every later tensor op fails). Backpropagating a data batch keeps every activation on the tape plus
 * about as much again for gradients and kernel temporaries, and the kernels' own temporaries come on top, so
 * core refuses such work up front when its estimate passes 2 GiB. Measured with mstf C0 = 128 at 28x28 (57.6
 * MB per example by that estimate): batch 32 runs (estimate 1.8 GiB, peak RSS 4.3 GB), batch 53 aborts the
 * module (3.0 GiB).
 */
export const WASM_BACKPROP_LIMIT_BYTES = 2 * 2 ** 30;

/**
 * The built-in engine: TensorFlow.js 4.22 on the backend chosen by ./backend.ts (`ready()` before compiling;
 * networks live on the backend that was active when compiled). Every member delegates to this folder's modules.
 */
export const tfjsEngine: Engine = {
  kind: 'engine',
  id: 'tfjs',
  description: 'TensorFlow.js 4.22: tensorflow (tfjs-node) -> wasm with mstf training kernels -> cpu',
  tf,
  resolveBackend: (choice) => resolveBackend(choice),
  ready: (choice) => ensureBackend(choice),
  memoryLimit: (backend) =>
    backend === 'wasm'
      ? { bytes: WASM_BACKPROP_LIMIT_BYTES, backend: 'wasm', heapGiB: 4, alternative: 'tensorflow' }
      : undefined,
  compile: (ir, opts) => compileNetwork(ir, opts),
  batchTensors: (batch) => batchToTensors(batch),
  taskLoss: (task, logits, labels) => taskLoss(task, logits, labels),
  taskLossTwice: (task, logits, labels) => taskLossTwice(task, logits, labels),
  adam: (net, opts) => new Adam(net, opts),
  hessianVectorProduct: (net, loss, x, v, opts) => exactHessianVectorProduct(net, loss, x, v, opts),
  gradientAndHessianGradient: (net, loss, x, names, opts) =>
    gradientAndHessianGradientProduct(net, loss, x, names, opts),
  withHostValues: (t, f) => withHostValues(t, f),
};

export default definePlugin({
  name: '@mstf/engine-tfjs',
  version: '0.1.0',
  apiVersion: '^1.0.0',
  provides: { engine: ['tfjs'] },
  register(ctx) {
    ctx.add('engine', tfjsEngine);
  },
});
