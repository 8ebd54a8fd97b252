import { Args, Flags } from '@oclif/core';
import { MstfCommand } from '../../base.js';
import { SearchService } from '../../../core/search/service.js';
import { formatCount, formatScore } from '../../../core/search/render.js';
import { renderTable } from '../../table.js';
import type { TrainingRecord } from '../../../core/store/types.js';

const metric = (m: Record<string, unknown> | null, split: 'test' | 'val', key: 'acc' | 'auc'): string => {
  const v = (m?.[split] as Record<string, unknown> | undefined)?.[key];
  return typeof v === 'number' ? v.toFixed(4) : '-';
};

/** Trainings as a table (runs show, runs list --trainings). */
export function trainingsTable(rows: TrainingRecord[], paretoRank?: Map<string, number>): string {
  return renderTable(
    ['TRAINING', 'STATUS', 'DATASET', 'SEARCH', 'MEMBER', 'EPOCHS', 'TEST ACC', 'TEST AUC', 'DIR'],
    rows.map((t) => [
      t.id,
      t.status,
      t.dataset,
      t.searchId ?? '-',
      t.memberHash
        ? t.memberHash.slice(0, 12) + (paretoRank?.has(t.memberHash) ? ` (rank ${paretoRank.get(t.memberHash)})` : '')
        : '-',
      String(t.config.epochs ?? '-'),
      metric(t.metrics, 'test', 'acc'),
      metric(t.metrics, 'test', 'auc'),
      t.outDir,
    ]),
  );
}

export default class RunsShow extends MstfCommand<typeof RunsShow> {
  /** Only reads the run store: works on read-only media and other users' stores. */
  static override readOnlyStore = true;
  static override description = 'Show a search: its config, status, selected architecture and final Pareto front';
  static override examples = [
    '<%= config.bin %> runs show 20250314-101502-3fa9c1',
    '<%= config.bin %> runs show <id> --json',
  ];
  static override args = { id: Args.string({ description: 'search id (mstf runs list)', required: true }) };
  static override flags = {
    json: Flags.boolean({
      description: 'one JSON object {searchId, status, config, selected, pareto, ...}',
      default: false,
    }),
  };

  async run(): Promise<void> {
    const service = (await this.kernel()).resolve(SearchService);
    try {
      const d = service.show(this.args.id);
      const trainings = service.store.trainings(this.args.id);
      if (this.flags.json) {
        this.printJson({ ...d, trainings });
        return;
      }
      const st = service.status(this.args.id);
      const c = d.config;
      this.log(
        `search ${d.searchId}: ${d.status}${st.status === 'running' && !st.alive ? ` (its process is gone: mstf runs resume ${d.searchId})` : ''}`,
      );
      this.log(
        `  ${c.dataset}, space ${c.space} (C0=${c.channels}${c.blocks ? `, ${c.blocks} blocks` : ''}), ${c.indicators.join(' + ')}, ` +
          `${c.objective}, ${c.optimizer} population ${c.population} offspring ${c.offspring}, seed ${c.seed}, preset ${c.preset}`,
      );
      this.log(
        `  generation ${d.generation + 1}/${d.generations} done, ${d.evaluated}/${d.total} candidates, created ${d.createdAt}`,
      );
      if (d.error) this.log(`  error: ${d.error}`);
      if (!d.selected) return;
      const paretoRank = new Map(d.pareto.map((p, i) => [p.hash, i + 1]));
      this.log('');
      this.log(`selected: ${d.selected.genotype}`);
      this.log(
        `  hash ${d.selected.hash}, ${Object.entries(d.selected.scores)
          .map(([k, v]) => `${k} ${formatScore(v)}`)
          .join(', ')}, FLOPs ${formatCount(d.selected.flops)}, params ${formatCount(d.selected.params)}`,
      );
      this.log('');
      this.log(`Pareto front of the last population (${d.pareto.length}):`);
      this.log(
        renderTable(
          ['RANK', 'HASH', ...c.indicators.map((i) => i.toUpperCase()), 'FLOPS', 'PARAMS', 'OBJECTIVES', 'GENOTYPE'],
          d.pareto.map((p, i) => [
            String(i + 1),
            p.hash.slice(0, 12) + (p.hash === d.selected!.hash ? ' *' : ''),
            ...c.indicators.map((i) => formatScore(p.scores[i])),
            formatCount(p.flops),
            formatCount(p.params),
            p.objectives.map((v) => v.toFixed(3)).join(' '),
            p.genotype,
          ]),
        ),
      );
      if (trainings.length > 0) {
        this.log('');
        this.log(`Trainings of this search (${trainings.length}):`);
        this.log(trainingsTable(trainings, paretoRank));
      }
    } finally {
      service.close();
    }
  }
}
