import { describe, expect, it } from 'vitest';
import { runZdt } from '../../core/validation/zdt.js';
import { nsga2 } from '../../plugins/optimizer-nsga2/index.js';
import { randomSearch } from '../../plugins/optimizer-random/index.js';

// The acceptance claim: NSGA-II with population 100 reaches >= 0.98 of the true front's
// hypervolume (reference 1.1, 1.1) after 200 generations on ZDT1, ZDT2 and ZDT3 (seed 1; each ~2 s).
describe('nsga2 on ZDT (30 real variables, population 100, 200 generations, seed 1)', () => {
  for (const problem of ['zdt1', 'zdt2', 'zdt3'] as const) {
    it(`${problem}: hypervolume ratio >= 0.98 and a small IGD`, () => {
      const r = runZdt({
        problem,
        optimizer: nsga2,
        optimizerOptions: { population: 100, offspring: 100 },
        generations: 200,
        seed: 1,
      });
      expect(r.evaluations).toBe(100 + 200 * 100);
      expect(r.ratio).toBeGreaterThanOrEqual(0.98);
      expect(r.ratio).toBeLessThanOrEqual(1);
      expect(r.igd).toBeLessThan(0.01);
    });
  }

  it('random search with the same budget is far from the front (the test problem is not trivial)', () => {
    const r = runZdt({
      problem: 'zdt1',
      optimizer: randomSearch,
      optimizerOptions: { population: 100, offspring: 100 },
      generations: 50,
      seed: 1,
    });
    expect(r.ratio).toBeLessThan(0.8);
  });
});
