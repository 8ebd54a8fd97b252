import { Flags } from '@oclif/core';
import { MstfCommand } from '../../base.js';
import { MstfError } from '../../../core/errors.js';
import { NB201_TARGETS, validateProxiesNb201 } from '../../../core/indicators/nb201-validation.js';
import { renderTable } from '../../table.js';

export default class ValidateProxies extends MstfCommand<typeof ValidateProxies> {
  static override description =
    'Rank correlation (Spearman, Kendall tau-b) of indicators with NAS-Bench-201 test accuracies on a seeded sample of its cells';
  static override examples = [
    '<%= config.bin %> validate proxies --space nb201 --sample 200 --indicators synflow,params --seed 0',
    '<%= config.bin %> validate proxies --space nb201 --sample 50 --indicators jacob_cov,grad_norm --dataset retinamnist --json',
  ];
  static override flags = {
    space: Flags.string({ description: 'benchmark space (only nb201 has published accuracies)', default: 'nb201' }),
    sample: Flags.integer({ description: 'number of benchmark cells to sample', default: 200, min: 2 }),
    indicators: Flags.string({ description: 'comma-separated indicator ids, or all', default: 'synflow,params' }),
    dataset: Flags.string({
      description:
        'batch for indicators that read images (MedMNIST; CIFAR is not available: a cross-domain check only)',
    }),
    'batch-size': Flags.integer({ description: 'examples in the batch of data indicators', default: 64, min: 2 }),
    seed: Flags.integer({ description: 'seed of the sample, the network initialisation and the batch', default: 0 }),
    table: Flags.string({ description: 'benchmark CSV (default: ../shared/data/nb201/nats_tss_accuracies.csv)' }),
    json: Flags.boolean({
      description: 'one JSON object {sample, correlations: {<indicator>: {cifar10: {spearman, kendall}, ...}}, rows}',
      default: false,
    }),
  };

  async run(): Promise<void> {
    const f = this.flags;
    if (f.space !== 'nb201') {
      throw new MstfError(
        'INVALID_ARGUMENT',
        `--space ${f.space}: only nb201 has benchmark accuracies to validate against`,
      );
    }
    const kernel = await this.kernel();
    const result = await validateProxiesNb201(
      kernel,
      {
        sample: f.sample,
        indicators: f.indicators,
        batchSize: f['batch-size'],
        seed: f.seed,
        ...(f.dataset ? { dataset: f.dataset } : {}),
        ...(f.table ? { table: f.table } : {}),
      },
      (e) => process.stderr.write(`scored ${e.done}/${e.total} (nb201 #${e.index})\n`),
    );
    if (f.json) {
      this.printJson(result);
      return;
    }
    this.log(
      `NAS-Bench-201: ${result.sample} cells (seed ${result.seed}), network input ${result.inputShape.join('x')}, ${result.classes} classes, data batch: ${result.dataset ?? 'none'}`,
    );
    const fmt = (v: number) => (Number.isNaN(v) ? 'NaN' : v.toFixed(3));
    this.log(
      renderTable(
        [
          'INDICATOR',
          ...NB201_TARGETS.flatMap((t) => [`${t} rho`, `${t} tau`]),
          'N',
          'NON-FINITE',
          'FAILED',
          'MS/CELL',
        ],
        Object.entries(result.correlations).map(([id, c]) => [
          id,
          ...NB201_TARGETS.flatMap((t) => [fmt(c[t].spearman), fmt(c[t].kendall)]),
          String(c.n),
          String(c.nonFinite),
          String(c.failed),
          c.meanMs.toFixed(0),
        ]),
      ),
    );
  }
}
