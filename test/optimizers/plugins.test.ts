import { describe, expect, it } from 'vitest';
import { bootKernel, resolveSettings } from '../../core/kernel/index.js';
import objectives from '../../plugins/objectives/index.js';
import optimizerNsga2 from '../../plugins/optimizer-nsga2/index.js';
import optimizerRandom from '../../plugins/optimizer-random/index.js';

describe('objective and optimizer plugins', () => {
  it('register mstf-eq5, pair, flops-single, flops-sum, nsga2 and random with their defaults', async () => {
    const kernel = await bootKernel({
      settings: resolveSettings({}),
      builtins: [objectives, optimizerNsga2, optimizerRandom],
      config: {},
    });
    expect(kernel.registry('objective').ids().sort()).toEqual(['flops-single', 'flops-sum', 'mstf-eq5', 'pair']);
    expect(kernel.registry('optimizer').ids().sort()).toEqual(['nsga2', 'random']);
    expect(kernel.optionsOf('optimizer', 'nsga2')).toEqual({
      population: 40,
      offspring: 40,
      crossoverProb: 0.9,
      etaC: 15,
      etaM: 20,
      duplicateRetries: 100,
    });
  });

  it('reject bad options at boot with one line naming the extension', async () => {
    await expect(
      bootKernel({
        settings: resolveSettings({}),
        builtins: [optimizerNsga2],
        config: { options: { optimizer: { nsga2: { population: 0 } } } },
      }),
    ).rejects.toThrow(/invalid options for optimizer "nsga2" \(population:/);
  });
});
