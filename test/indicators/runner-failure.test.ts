/**
 * The failure path of an indicator: one that throws after allocating (a forward pass, its own tensors) leaves no
 * tensor behind, and the network it compiled still serves the indicators after it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../plugins/engine-tfjs/tf.js';
import { ensureBackend } from '../../plugins/engine-tfjs/backend.js';
import { checkBatchFits, scoreArchitecture } from '../../core/indicators/runner.js';
import type { Indicator } from '../../core/contracts/indicator.js';
import { indicators } from '../../plugins/indicators/index.js';
import { smallConvNet } from './nets.js';
import { randomBatch } from './reference.js';
import { tfjsEngine } from '../../plugins/engine-tfjs/index.js';

beforeAll(async () => {
  await ensureBackend('cpu');
});

const ir = smallConvNet();
const batch = randomBatch(6, [8, 8, 2], 3, 21);

/** Compiles the network, runs a forward pass and makes tensors of its own, then throws (e.g. a shape check late). */
const failsAfterAllocating: Indicator = {
  kind: 'indicator',
  id: 'fails_late',
  description: '',
  needs: { data: true, labels: false, backward: false },
  score: (ctx) => {
    const x = tf.tensor(ctx.batch!.x, ctx.batch!.shape as [number, number, number, number]);
    const out = ctx.net.forward(x, { training: true });
    for (let k = 0; k < 50; k++) tf.mul(tf.onesLike(x), k);
    void out;
    throw new Error('late failure');
  },
};

describe('scoreArchitecture when an indicator throws after allocating', () => {
  it('leaves the tensor count as it found it, and later indicators score as if it had not run', async () => {
    const after = indicators.filter((i) => i.id === 'grad_norm' || i.id === 'synflow');
    const reference = await scoreArchitecture({ engine: tfjsEngine, ir, indicators: after, batch, seed: 3 });
    const before = tf.memory().numTensors;
    for (let round = 0; round < 3; round++) {
      const r = await scoreArchitecture({
        engine: tfjsEngine,
        ir,
        indicators: [failsAfterAllocating, ...after],
        batch,
        seed: 3,
      });
      expect(r.scores.fails_late).toBeNull();
      expect(r.details.fails_late!.error).toBe('Error: late failure');
      expect(r.details.fails_late!.leakedTensors).toBeUndefined();
      // The network compiled during the failing indicator still works, with the same weights (seed 3).
      expect(r.scores.grad_norm).toBe(reference.scores.grad_norm);
      expect(r.scores.synflow).toBe(reference.scores.synflow);
      expect(tf.memory().numTensors).toBe(before);
    }
  });
});

describe('a batch smaller than an indicator needs', () => {
  const one = randomBatch(1, [8, 8, 2], 3, 21);
  const jacobCov = indicators.find((i) => i.id === 'jacob_cov')!;
  const synflow = indicators.find((i) => i.id === 'synflow')!;

  it('is refused before any work by checkBatchFits, naming the indicators and the minimum', () => {
    expect(() => checkBatchFits([jacobCov, synflow], one)).toThrow(
      "the batch has 1 image; jacob_cov needs at least 2 (raise --batch-size, or check the split's size)",
    );
    expect(() => checkBatchFits([jacobCov, synflow], batch)).not.toThrow();
    expect(() => checkBatchFits([synflow], one)).not.toThrow(); // data-free
  });

  it('is an error row when scored anyway, not a meaningless number', async () => {
    const r = await scoreArchitecture({ engine: tfjsEngine, ir, indicators: [jacobCov, synflow], batch: one, seed: 0 });
    expect(r.scores.jacob_cov).toBeNull();
    expect(r.details.jacob_cov!.error).toMatch(/^the batch has 1 image; jacob_cov needs at least 2/);
    expect(Number.isFinite(r.scores.synflow)).toBe(true);
  });
});
