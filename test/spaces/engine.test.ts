/**
 * The decoded networks run on the engine, and `isDegenerate` agrees with what the compiled network does:
 * a degenerate network gives the same output for different inputs, a feasible one does not.
 * Tiny shapes on the cpu backend.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../plugins/engine-tfjs/tf.js';
import { compileNetwork } from '../../plugins/engine-tfjs/compile.js';
import { ensureBackend } from '../../plugins/engine-tfjs/backend.js';
import { mstfSpace } from '../../plugins/space-mstf/space.js';
import { nb201Space } from '../../plugins/space-nb201/space.js';
import type { Genotype, SpaceInstance } from '../../core/contracts/search-space.js';
import type { FeatureShape } from '../../core/ir/types.js';

beforeAll(async () => {
  await ensureBackend('cpu');
});

/** max |f(x1) - f(x2)| for two different random batches (batch statistics, as at initialisation). */
function outputSpread(space: SpaceInstance, g: Genotype, shape: FeatureShape): number {
  const net = compileNetwork(space.decode(g), { seed: 3 });
  return tf.tidy(() => {
    const a = net.forward(tf.randomNormal([2, ...shape], 0, 1, 'float32', 1), { training: true }).output;
    const b = net.forward(tf.randomNormal([2, ...shape], 0, 1, 'float32', 2), { training: true }).output;
    expect(a.shape).toEqual([2, 3]);
    return tf.sub(a, b).abs().max().dataSync()[0]!;
  });
}

describe('decoded networks on the engine', () => {
  it('mstf: every op and pool compiles; dead cells give input-independent outputs', () => {
    const shape: FeatureShape = [12, 12, 1];
    const s = mstfSpace.create({ inputShape: shape, classes: 3 }, { blocks: 2, channels: 4 });
    // Block 1 uses ops 0..4 and pools 0..3, block 2 ops 5..7 and pools 4, 5.
    const live = [0, 0, 1, 1, 2, 0, 3, 2, 4, 3, 0, 1, 2, 3, 5, 0, 6, 1, 7, 0, 5, 2, 6, 3, 4, 5, 4, 5];
    expect(s.isDegenerate(live)).toBe(false);
    expect(outputSpread(s, live, shape)).toBeGreaterThan(1e-3);
    const dead = [...live.slice(0, 14), 7, 0, 0, 1, 1, 2, 5, 3, 6, 4, 4, 5, 4, 5];
    expect(s.isDegenerate(dead)).toBe(true);
    expect(outputSpread(s, dead, shape)).toBeLessThan(1e-6);
  });

  it('nb201: a live and a dead cell', () => {
    const shape: FeatureShape = [8, 8, 3];
    const s = nb201Space.create({ inputShape: shape, classes: 3 }, { channels: 4, cellsPerStage: 1 });
    const live = s.parse('|nor_conv_3x3~0|+|nor_conv_1x1~0|avg_pool_3x3~1|+|skip_connect~0|none~1|nor_conv_3x3~2|');
    expect(outputSpread(s, live, shape)).toBeGreaterThan(1e-3);
    const dead = s.parse('|nor_conv_3x3~0|+|nor_conv_1x1~0|avg_pool_3x3~1|+|none~0|none~1|none~2|');
    expect(s.isDegenerate(dead)).toBe(true);
    expect(outputSpread(s, dead, shape)).toBeLessThan(1e-6);
  });
});
