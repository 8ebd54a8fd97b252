import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../plugins/engine-tfjs/tf.js';
import { ensureBackend } from '../../plugins/engine-tfjs/backend.js';
import { scoreArchitecture } from '../../core/indicators/runner.js';
import { estimateBytes } from '../../core/memory/estimate.js';
import { indicators } from '../../plugins/indicators/index.js';
import type { NetworkIR } from '../../core/ir/types.js';
import { randomBatch } from './reference.js';
import { tfjsEngine } from '../../plugins/engine-tfjs/index.js';

// input 512x512x3 -> conv 3x3 (64) -> gap -> dense 2: every node's output per example, in floats.
const big: NetworkIR = {
  nodes: [
    { id: 'input', op: 'input', inputs: [], shape: [512, 512, 3] },
    { id: 'conv', op: 'conv', inputs: ['input'], filters: 64, kernel: [3, 3], stride: 1, padding: 'same' },
    { id: 'gap', op: 'gap', inputs: ['conv'] },
    { id: 'fc', op: 'dense', inputs: ['gap'], units: 2 },
  ],
  output: 'fc',
};
const backpropBytes = (ir: NetworkIR, n: number) => estimateBytes(ir, 'backward', n);
const floatsPerExample = 512 * 512 * 3 + 512 * 512 * 64 + 64 + 2;

describe('wasm memory guard for backpropagating indicators', () => {
  beforeAll(async () => {
    await ensureBackend('wasm');
  });

  it('estimates every activation (4 bytes) twice for the backward pass', () => {
    expect(backpropBytes(big, 10)).toBe(floatsPerExample * 10 * 4 * 2);
  });

  it('refuses a batch over the limit as a recorded one-line error, never reaching the engine', async () => {
    // 16 examples x 17.6M floats x 8 bytes = 2.25 GB > 2 GiB; data-free indicators still run.
    const batch = randomBatch(16, [512, 512, 3], 2, 1);
    const chosen = indicators.filter((i) => ['grad_norm', 'params'].includes(i.id));
    const before = tf.memory().numTensors;
    const r = await scoreArchitecture({ engine: tfjsEngine, ir: big, indicators: chosen, batch, seed: 0 });
    expect(r.scores.grad_norm).toBeNull();
    expect(r.details.grad_norm!.error).toMatch(
      /^indicator grad_norm: backpropagating a batch of 16 through this network needs about 2\.1 GiB, over what the wasm backend's 4 GiB heap allows; use --batch-size 15 or less, or the tensorflow backend$/,
    );
    expect(r.scores.params).toBe(3 * 3 * 3 * 64 + 64 * 2 + 2);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("counts grasp's second-order pass at 5x one backward pass", async () => {
    // 4 examples: 0.56 GB for one backward pass (under the limit), 2.6 GiB for grasp's double backward.
    expect(backpropBytes(big, 4)).toBeLessThan(2 * 2 ** 30);
    const batch = randomBatch(4, [512, 512, 3], 2, 1);
    const chosen = indicators.filter((i) => i.id === 'grasp');
    const r = await scoreArchitecture({ engine: tfjsEngine, ir: big, indicators: chosen, batch, seed: 0 });
    expect(r.scores.grasp).toBeNull();
    expect(r.details.grasp!.error).toMatch(
      /^indicator grasp: backpropagating a batch of 4 through this network needs about 2\.6 GiB, over what the wasm backend's 4 GiB heap allows; use --batch-size 3 or less, or the tensorflow backend$/,
    );
  });
});
