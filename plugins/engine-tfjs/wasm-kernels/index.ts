/**
 * The project's training kernels for tfjs-backend-wasm 4.22: registers Conv2DBackpropFilter,
 * DepthwiseConv2dNativeBackpropFilter, DepthwiseConv2dNativeBackpropInput; replaces MaxPoolGrad (wrong)
 * and Conv2DBackpropInput (slow), SpaceToBatchND and BatchToSpaceND (slow; every dilated conv), Identity (copied
 * every tensor saved for backprop). Only for backend 'wasm', only once, only for the tfjs version they were
 * written and checked for.
 */
import { tf } from '../tf.js';
import { conv2dBackpropFilterConfig } from './conv2d-backprop-filter.js';
import { conv2dBackpropInputConfig } from './conv2d-backprop-input.js';
import { depthwiseBackpropFilterConfig, depthwiseBackpropInputConfig } from './depthwise-backprop.js';
import { identityConfig } from './identity.js';
import { maxPoolGradConfig } from './max-pool-grad.js';
import { spaceToBatchConfigs } from './space-to-batch.js';

export const WASM_KERNELS_TFJS_VERSION = '4.22.0';

/** Kernels added where wasm has none, and kernels that replace wasm's own. */
const ADDED = [conv2dBackpropFilterConfig, depthwiseBackpropFilterConfig, depthwiseBackpropInputConfig];
const REPLACED = [maxPoolGradConfig, conv2dBackpropInputConfig, identityConfig];

let registered = false;

/** Why the kernels cannot be used with this tfjs, or undefined when they can. */
export function wasmKernelsIncompatibility(wasmVersion: string): string | undefined {
  if (tf.version_core !== WASM_KERNELS_TFJS_VERSION || wasmVersion !== WASM_KERNELS_TFJS_VERSION) {
    return (
      `the wasm training kernels were written for tfjs ${WASM_KERNELS_TFJS_VERSION}, ` +
      `found tfjs-core ${tf.version_core} and tfjs-backend-wasm ${wasmVersion}`
    );
  }
  return undefined;
}

/** Register the training kernels for 'wasm' (idempotent). Throws if the tfjs version does not match. */
export function registerWasmTrainingKernels(wasmVersion: string): void {
  if (registered) return;
  const why = wasmKernelsIncompatibility(wasmVersion);
  if (why) throw new Error(why);
  const have = new Set(tf.getKernelsForBackend('wasm').map((k) => k.kernelName));
  for (const k of ADDED) {
    // A future wasm that ships its own kernel would not be 4.22: the version check above guards this.
    if (have.has(k.kernelName)) tf.unregisterKernel(k.kernelName, 'wasm');
    tf.registerKernel(k);
  }
  // Built now: they wrap the stock kernels (other ranks), which exist once the wasm backend is imported.
  for (const k of [...REPLACED, ...spaceToBatchConfigs()]) {
    if (have.has(k.kernelName)) tf.unregisterKernel(k.kernelName, 'wasm');
    tf.registerKernel(k);
  }
  registered = true;
}

export { conv2dBackpropFilter } from './conv2d-backprop-filter.js';
export { conv2dBackpropInput } from './conv2d-backprop-input.js';
export { depthwiseBackpropFilter, depthwiseBackpropInput } from './depthwise-backprop.js';
