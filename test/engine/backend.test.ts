/** Backend resolution: automatic order, explicit choices, clear failures. */
import { describe, expect, it } from 'vitest';
import { ensureBackend, resolveBackend } from '../../plugins/engine-tfjs/backend.js';
import { tf } from '../../plugins/engine-tfjs/tf.js';
import { isMstfError } from '../../core/errors.js';

// tfjs-node / tfjs-node-gpu are optional dependencies that cannot install on the CI machines.
const noCuda = { PATH: '/nonexistent' } as NodeJS.ProcessEnv;

describe('backend resolution', () => {
  it('auto skips tensorflow with the reason and picks wasm', () => {
    const d = resolveBackend(undefined, noCuda);
    expect(d.name).toBe('wasm');
    expect(d.skipped).toEqual([
      { name: 'tensorflow', why: expect.stringMatching(/@tensorflow\/tfjs-node(-gpu)? is not installed/) },
    ]);
    expect(d.reason).toMatch(/wasm with the mstf training kernels \(tfjs 4\.22\.0\), chosen automatically/);
  });

  it('MSTF_BACKEND and an explicit choice are honoured; the explicit choice wins', () => {
    expect(resolveBackend(undefined, { ...noCuda, MSTF_BACKEND: 'cpu' }).name).toBe('cpu');
    expect(resolveBackend('wasm', { ...noCuda, MSTF_BACKEND: 'cpu' }).name).toBe('wasm');
  });

  it('an unavailable explicit choice fails with BACKEND_UNAVAILABLE and says why', async () => {
    const e = (() => {
      try {
        resolveBackend('tensorflow', noCuda);
      } catch (err) {
        return err;
      }
    })();
    expect(isMstfError(e) && e.code).toBe('BACKEND_UNAVAILABLE');
    expect((e as Error).message).toMatch(
      /^backend "tensorflow" is not available: @tensorflow\/tfjs-node(-gpu)? is not installed/,
    );
    await expect(ensureBackend('tensorflow', noCuda)).rejects.toThrow(/backend "tensorflow" is not available/);
  });

  it('an unknown name is an invalid argument', () => {
    expect(() => resolveBackend('gpu', noCuda)).toThrow(/unknown backend "gpu": use auto, tensorflow, wasm, cpu/);
  });

  it('ensureBackend activates the backend, idempotently', async () => {
    const a = await ensureBackend('wasm', noCuda);
    expect(tf.getBackend()).toBe('wasm');
    await ensureBackend('cpu', noCuda);
    expect(tf.getBackend()).toBe('cpu');
    const b = await ensureBackend('wasm', noCuda);
    expect(b).toBe(a);
    expect(tf.getBackend()).toBe('wasm');
    // The training kernels are registered for wasm only.
    const wasmKernels = tf.getKernelsForBackend('wasm').map((k) => k.kernelName);
    expect(wasmKernels).toContain('Conv2DBackpropFilter');
    expect(wasmKernels).toContain('DepthwiseConv2dNativeBackpropFilter');
    expect(tf.getKernel('Conv2DBackpropFilter', 'cpu')).toBeDefined();
  });
});
