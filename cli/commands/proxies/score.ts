import { Flags } from '@oclif/core';
import { MstfCommand } from '../../base.js';
import { scoreGenotype } from '../../../core/indicators/score-genotype.js';
import { renderTable } from '../../table.js';
import { MstfError } from '../../../core/errors.js';
import type { Kernel } from '../../../core/kernel/loader.js';
import { readMember, rescoreMember } from '../../../core/search/member.js';
import { memberFlags, memberInfo, memberLine, memberSelector } from '../arch/show.js';

export default class ProxiesScore extends MstfCommand<typeof ProxiesScore> {
  static override description =
    'Score one architecture with training-free indicators (raw values; higher is better; non-finite values are flagged)';
  static override examples = [
    '<%= config.bin %> proxies score --space nb201 --genotype "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|" --indicators synflow,params',
    '<%= config.bin %> proxies score --run <searchId> --member 3fa9c1 --json',
    '<%= config.bin %> proxies score --space mstf --genotype "0,0,1,1,2,0,6,2,7,3,0,1,2,3,0,0,1,1,2,0,6,2,7,3,0,1,2,3,0,0,1,1,2,0,6,2,7,3,0,1,2,3" --dataset breastmnist --json',
  ];
  static override flags = {
    space: Flags.string({
      description: 'search space id (see `mstf extensions list --kind searchSpace`)',
      exclusive: ['run'],
    }),
    genotype: Flags.string({
      description: 'genotype: integers "1,0,3,..." or a space-specific form (an NB201 cell string)',
      exclusive: ['run'],
    }),
    ...memberFlags,
    dataset: Flags.string({
      description:
        'dataset whose training split gives the batch (required by indicators that read images; its image shape and classes shape the network)',
    }),
    indicators: Flags.string({ description: 'comma-separated indicator ids, or all', default: 'all' }),
    'batch-size': Flags.integer({ description: 'examples in the batch of data indicators', default: 64, min: 2 }),
    seed: Flags.integer({ description: 'seed of the network initialisation and of the batch', default: 0 }),
    channels: Flags.integer({
      description: 'space option `channels` (mstf: initial channels C0; nb201: first-stage C)',
      min: 1,
    }),
    json: Flags.boolean({
      description: 'one JSON object {space, genotype, hash, scores, details, ...}',
      default: false,
    }),
  };

  async run(): Promise<void> {
    const f = this.flags;
    const kernel = await this.kernel();
    if (f.run !== undefined) {
      await this.rescore(kernel, f.run);
      return;
    }
    if (!f.space || !f.genotype) {
      throw new MstfError(
        'INVALID_ARGUMENT',
        'say what to score: --space <id> --genotype "<g>", or --run <searchId> [--member <hash prefix> | --rank K]',
      );
    }
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
    this.log(
      `input ${result.inputShape.join('x')}, ${result.classes} classes, dataset ${result.dataset ?? '-'}, seed ${result.seed}`,
    );
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

  /** `--run`: the search's own batch, seed and options; prints the new scores next to the stored ones. */
  private async rescore(kernel: Kernel, searchId: string): Promise<void> {
    const f = this.flags;
    const given = (['dataset', 'indicators', 'batch-size', 'seed', 'channels'] as const).filter((k) =>
      this.argv.some((a) => a === `--${k}` || a.startsWith(`--${k}=`)),
    );
    if (given.length > 0) {
      throw new MstfError(
        'INVALID_ARGUMENT',
        `--${given[0]} cannot be combined with --run: the search's dataset, indicators, batch, seed and options are used`,
      );
    }
    const member = readMember(kernel, searchId, memberSelector(f));
    const r = await rescoreMember(kernel, member);
    if (f.json) {
      this.printJson({
        ...memberInfo(member),
        genotype: member.candidate.genotype,
        dataset: member.search.config.dataset,
        batchSize: member.search.config.batchSize,
        seed: member.search.config.seed,
        scores: r.scores,
        stored: r.stored,
        reproduced: r.mismatched.length === 0,
        mismatched: r.mismatched,
        error: r.error,
      });
    } else {
      this.log(memberLine(member));
      this.log(`${member.search.config.space} ${member.candidate.genotype}`);
      this.log(
        `dataset ${member.search.config.dataset}, batch ${member.search.config.batchSize} (search seed ${member.search.config.seed})`,
      );
      this.log(
        renderTable(
          ['SCORE', 'NOW', 'STORED', 'SAME'],
          Object.keys(r.scores).map((id) => [
            id,
            String(r.scores[id]),
            String(r.stored[id]),
            r.mismatched.includes(id) ? 'NO' : 'yes',
          ]),
        ),
      );
      if (r.error) this.log(`error: ${r.error}`);
    }
    if (r.mismatched.length > 0) {
      throw new MstfError(
        'INTERNAL',
        `scores differ from the stored ones: ${r.mismatched.join(', ')} (same backend as the search? --backend)`,
      );
    }
  }
}
