import fs from 'node:fs';
import path from 'node:path';
import { Args, Flags } from '@oclif/core';
import { MstfCommand } from '../../base.js';
import { SearchService } from '../../../core/search/service.js';
import { candidatesToCsv, exportCandidates } from '../../../core/search/export.js';

export default class RunsExport extends MstfCommand<typeof RunsExport> {
  /** Only reads the run store: works on read-only media and other users' stores. */
  static override readOnlyStore = true;
  static override description =
    'Export every candidate of a search: genotype, hash, state, flags, raw scores, FLOPs, params, objectives, timings';
  static override examples = [
    '<%= config.bin %> runs export <id> --format csv --out candidates.csv',
    '<%= config.bin %> runs export <id> --format json',
  ];
  static override args = { id: Args.string({ description: 'search id (mstf runs list)', required: true }) };
  static override flags = {
    format: Flags.string({ description: 'csv or json (a JSON array)', options: ['csv', 'json'], default: 'csv' }),
    out: Flags.string({ description: 'write to this file (default: stdout)' }),
  };

  async run(): Promise<void> {
    const service = (await this.kernel()).resolve(SearchService);
    try {
      const rows = exportCandidates(service.store, this.args.id);
      const text = this.flags.format === 'csv' ? candidatesToCsv(rows) : `${JSON.stringify(rows)}\n`;
      if (this.flags.out) {
        const file = path.resolve(this.flags.out);
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, text);
        process.stderr.write(`${rows.length} candidates -> ${file}\n`);
      } else {
        process.stdout.write(text);
      }
    } finally {
      service.close();
    }
  }
}
