import { Flags } from '@oclif/core';
import { MstfCommand } from '../../base.js';
import { SearchService, isSearchAlive } from '../../../core/search/service.js';
import { renderTable } from '../../table.js';
import { trainingsTable } from './show.js';

export default class RunsList extends MstfCommand<typeof RunsList> {
  /** Only reads the run store: works on read-only media and other users' stores. */
  static override readOnlyStore = true;
  static override description = 'List the searches in the run store, newest first';
  static override examples = [
    '<%= config.bin %> runs list',
    '<%= config.bin %> runs list --trainings',
    '<%= config.bin %> runs list --json --store other/.mstf/mstf.db',
  ];
  static override flags = {
    json: Flags.boolean({
      description: 'JSON array of {id, status, dataset, space, indicators, generation, ...}',
      default: false,
    }),
    trainings: Flags.boolean({
      description: 'list the trainings instead (mstf train / MCP), newest first, with their search and test metrics',
      default: false,
    }),
  };

  async run(): Promise<void> {
    const service = (await this.kernel()).resolve(SearchService);
    try {
      if (this.flags.trainings) {
        const trainings = service.store.trainings();
        if (this.flags.json) this.printJson(trainings);
        else if (trainings.length === 0)
          this.log(`no trainings in ${service.store.file} (start one with \`mstf train\`)`);
        else this.log(trainingsTable(trainings));
        return;
      }
      const rows = service.list().map((s) => ({
        id: s.id,
        status: s.status,
        alive: isSearchAlive(s),
        createdAt: s.createdAt,
        updatedAt: s.updatedAt,
        dataset: s.config.dataset,
        space: s.config.space,
        indicators: s.config.indicators,
        preset: s.config.preset,
        seed: s.seed,
        generation: s.generation,
        generations: s.generations,
        evaluated: s.evaluated,
        total: s.total,
        selected: s.selected,
        error: s.error,
      }));
      if (this.flags.json) {
        this.printJson(rows);
        return;
      }
      if (rows.length === 0) {
        this.log(`no searches in ${service.store.file} (start one with \`mstf search\`)`);
        return;
      }
      this.log(
        renderTable(
          ['ID', 'STATUS', 'CREATED', 'DATASET', 'INDICATORS', 'GEN', 'CANDIDATES', 'SELECTED'],
          rows.map((r) => [
            r.id,
            r.status === 'running' && !r.alive ? 'running (dead: resume it)' : r.status,
            r.createdAt.replace('T', ' ').slice(0, 19),
            r.dataset,
            r.indicators.join('+'),
            `${r.generation + 1}/${r.generations}`,
            `${r.evaluated}/${r.total}`,
            r.selected?.hash.slice(0, 12) ?? '-',
          ]),
        ),
      );
    } finally {
      service.close();
    }
  }
}
