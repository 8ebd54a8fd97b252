import { Args, Flags } from '@oclif/core';
import { MstfCommand } from '../../base.js';
import { SearchService } from '../../../core/search/service.js';

export default class RunsCancel extends MstfCommand<typeof RunsCancel> {
  static override description =
    'Cancel a search: its process stores the candidate in flight and ends "cancelled" (resume it later with runs resume)';
  static override examples = ['<%= config.bin %> runs cancel 20250314-101502-3fa9c1'];
  static override args = { id: Args.string({ description: 'search id (mstf runs list)', required: true }) };
  static override flags = {
    json: Flags.boolean({ description: 'one JSON object {id, status, signalled}', default: false }),
  };

  async run(): Promise<void> {
    const service = (await this.kernel()).resolve(SearchService);
    try {
      const r = service.cancel(this.args.id);
      if (this.flags.json) this.printJson(r);
      else
        this.log(
          `search ${r.id}: ${r.status}${r.signalled ? ' (cancel sent to its process; it stops after the current candidate)' : ''}`,
        );
    } finally {
      service.close();
    }
  }
}
