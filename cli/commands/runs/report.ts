import path from 'node:path';
import { Args, Flags } from '@oclif/core';
import { MstfCommand } from '../../base.js';
import { SearchService } from '../../../core/search/service.js';
import { writeReport } from '../../../core/search/report.js';

export default class RunsReport extends MstfCommand<typeof RunsReport> {
  /** Only reads the run store: works on read-only media and other users' stores. */
  static override readOnlyStore = true;
  static override description =
    'Write a report of a completed search: pareto.svg (fronts by generation, like the paper Fig. 5), selected.svg (the chosen architecture) and index.html';
  static override examples = ['<%= config.bin %> runs report <id> --out report/'];
  static override args = { id: Args.string({ description: 'search id (mstf runs list)', required: true }) };
  static override flags = {
    out: Flags.string({ description: 'output directory', required: true }),
    json: Flags.boolean({ description: 'one JSON object {files: [...]}', default: false }),
  };

  async run(): Promise<void> {
    const service = SearchService.fromKernel(await this.kernel());
    try {
      const files = writeReport(service, this.args.id, path.resolve(this.flags.out));
      if (this.flags.json) this.printJson({ files });
      else for (const f of files) this.log(f);
    } finally {
      service.close();
    }
  }
}
