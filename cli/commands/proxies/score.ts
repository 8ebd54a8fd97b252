import { Flags } from '@oclif/core';
import { MstfCommand } from '../../base.js';
import { scoreGenotype } from '../../../core/indicators/score-genotype.js';
import { renderTable } from '../../table.js';

export default class ProxiesScore extends MstfCommand<typeof ProxiesScore> {
  static override description =
    'Score one architecture with training-free indicators (raw values; higher is better; non-finite values are flagged)';
  static override examples = [
    '<%= config.bin %> proxies score --space nb201 --genotype "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|" --indicators synflow,params',
    '<%= config.bin %> proxies score --space mstf --genotype "0,0,1,1,2,0,6,2,7,3,0,1,2,3,0,0,1,1,2,0,6,2,7,3,0,1,2,3,0,0,1,1,2,0,6,2,7,3,0,1,2,3" --dataset breastmnist --json',
  ];
  static override flags = {
    space: Flags.string({ description: 'search space id (see `mstf extensions list --kind searchSpace`)', required: true }),
    genotype: Flags.string({ description: 'genotype: integers "1,0,3,..." or a space-specific form (an NB201 cell string)', required: true }),
    dataset: Flags.string({
      description: 'dataset whose training split gives the batch (required by indicators that read images; its image shape and classes shape the network)',
    }),
    indicators: Flags.string({ description: 'comma-separated indicator ids, or all', default: 'all' }),
    'batch-size': Flags.integer({ description: 'examples in the batch of data indicators', default: 64, min: 2 }),
    seed: Flags.integer({ description: 'seed of the network initialisation and of the batch', default: 0 }),
    channels: Flags.integer({ description: 'space option `channels` (mstf: initial channels C0; nb201: first-stage C)', min: 1 }),
    json: Flags.boolean({ description: 'one JSON object {space, genotype, hash, scores, details, ...}', default: false }),
  };

  async run(): Promise<void> {
    const f = this.flags;
    const kernel = await this.kernel();
    const result = await scoreGenotype(
      kernel,
      {
        space: f.space,
        genotype: f.genotype,
        indicators: f.indicators,
        batchSize: f['batch-size'],
        seed: f.seed,
        ...(f.dataset ? { dataset: f.dataset } : {}),
        ...(f.channels !== undefined ? { spaceOptions: { channels: f.channels } } : {}),
      },
      (e) => process.stderr.write(`[${e.index + 1}/${e.total}] ${e.indicator}\n`),
    );
    if (f.json) {
      this.printJson(result);
      return;
    }
    this.log(`${result.space} ${result.genotype}  hash ${result.hash}${result.degenerate ? '  (degenerate)' : ''}`);
    this.log(`input ${result.inputShape.join('x')}, ${result.classes} classes, dataset ${result.dataset ?? '-'}, seed ${result.seed}`);
    this.log(
      renderTable(
        ['INDICATOR', 'SCORE', 'MS', 'NOTE'],
        Object.entries(result.scores).map(([id, v]) => {
          const d = result.details[id]!;
          return [id, v === null ? '-' : String(v), d.ms.toFixed(0), d.error ?? (d.finite ? '' : 'non-finite')];
        }),
      ),
    );
  }
}
