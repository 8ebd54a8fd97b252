import { Args, Flags } from '@oclif/core';
import { MstfCommand } from '../../base.js';
import { SearchService } from '../../../core/search/service.js';
import { executorFlags, executorRun, exitIfCancelled, runSearchInForeground } from '../search.js';

export default class RunsResume extends MstfCommand<typeof RunsResume> {
  static override description =
    'Run a queued search, or resume an interrupted, failed or cancelled one from its last checkpoint, to the end';
  static override examples = [
    '<%= config.bin %> runs resume 20250314-101502-3fa9c1',
    '<%= config.bin %> runs resume <id> --json',
  ];
  static override args = { id: Args.string({ description: 'search id (mstf runs list)', required: true }) };
  static override flags = {
    ...executorFlags,
    executor: Flags.string({
      description: `${executorFlags.executor.description} (default: the one the search was started with)`,
    }),
    json: Flags.boolean({
      description: 'JSON lines on stdout: progress events, then {searchId, status, selected, pareto}',
      default: false,
    }),
  };

  async run(): Promise<void> {
    const service = (await this.kernel()).resolve(SearchService);
    try {
      await runSearchInForeground(service, this.args.id, this.flags.json, (s) => this.log(s), executorRun(this.flags));
    } finally {
      service.close();
    }
    exitIfCancelled();
  }
}
