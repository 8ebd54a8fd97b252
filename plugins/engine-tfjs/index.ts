import { definePlugin } from '../../core/kernel/plugin.js';
import { compileNetwork } from '../../core/engine/compile.js';
import type { Engine } from '../../core/contracts/engine.js';

/**
 * The built-in engine: TensorFlow.js on the backend chosen by core/engine/backend.ts (call
 * ensureBackend() before compiling; networks live on the backend that was active when compiled).
 */
export const tfjsEngine: Engine = {
  kind: 'engine',
  id: 'tfjs',
  description: 'TensorFlow.js 4.22: tensorflow (tfjs-node) -> wasm with mstf training kernels -> cpu',
  compile: (ir, opts) => compileNetwork(ir, opts),
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
