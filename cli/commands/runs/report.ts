import path from 'node:path';
import { Args, Flags } from '@oclif/core';
import { MstfCommand } from '../../base.js';
import { SearchService } from '../../../core/search/service.js';
import { writeReport } from '../../../core/search/report.js';
import { defaultTrainingsRoot } from '../../../core/training/ids.js';

export default class RunsReport extends MstfCommand<typeof RunsReport> {
  /** Only reads the run store: works on read-only media and other users' stores. */
  static override readOnlyStore = true;
  static override description =
    'Write a self-contained HTML report of a completed search (index.html: config, Fig. 5 fronts, hypervolume, sortable Pareto table with drawings, trainings of the search) and its figures as SVG and PNG';
  static override examples = [
    '<%= config.bin %> runs report <id> --out report/',
    '<%= config.bin %> runs report <id> --out report/ --trainings runs/trainings',
  ];
  static override args = { id: Args.string({ description: 'search id (mstf runs list)', required: true }) };
  static override flags = {
    out: Flags.string({ description: 'output directory', required: true }),
    trainings: Flags.string({
      description:
        'folder of training directories to look for trainings of this search and ResNet baselines (repeatable; default .mstf/trainings)',
      multiple: true,
    }),
    json: Flags.boolean({ description: 'one JSON object {files: [...]}', default: false }),
  };

  async run(): Promise<void> {
    const kernel = await this.kernel();
    const service = kernel.resolve(SearchService);
    try {
      const cwd = kernel.settings.cwd;
      const trainingsRoots = this.flags.trainings?.map((d) => path.resolve(cwd, d)) ?? [defaultTrainingsRoot(cwd)];
      const files = await writeReport(service, this.args.id, path.resolve(this.flags.out), { trainingsRoots });
      if (this.flags.json) this.printJson({ files });
      else for (const f of files) this.log(f);
    } finally {
      service.close();
    }
  }
}
