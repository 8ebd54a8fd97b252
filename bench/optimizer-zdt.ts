/**
 * NSGA-II speed and quality on ZDT1-3 (30 real variables, population 100, 200 generations, seeds 1-3):
 * wall time per run, hypervolume ratio and IGD. `npm run bench -- optimizer-zdt`
 */
import { runZdt, ZDT_NAMES } from '../core/validation/zdt.js';
import { nsga2 } from '../plugins/optimizer-nsga2/index.js';

for (const problem of ZDT_NAMES) {
  for (const seed of [1, 2, 3]) {
    const t0 = performance.now();
    const r = runZdt({
      problem,
      optimizer: nsga2,
      optimizerOptions: { population: 100, offspring: 100 },
      generations: 200,
      seed,
    });
    const ms = performance.now() - t0;
    console.log(
      `${problem} seed ${seed}: ratio ${r.ratio.toFixed(4)}  IGD ${r.igd.toExponential(2)}  ${r.evaluations} evaluations  ${ms.toFixed(0)} ms`,
    );
  }
}
