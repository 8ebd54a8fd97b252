import { Flags } from '@oclif/core';
import { MstfCommand } from '../../base.js';
import { renderTable } from '../../table.js';
import { summarizeDataset } from '../../../core/data/describe.js';

export default class DatasetsList extends MstfCommand<typeof DatasetsList> {
  static override description =
    'List the datasets: task, classes, channels, split sizes, image sizes, and which sizes are here';
  static override examples = ['<%= config.bin %> datasets list', '<%= config.bin %> datasets list --json'];
  static override flags = {
    json: Flags.boolean({
      description: 'JSON array of {id, task, classes, channels, splits, sizes, present}',
      default: false,
    }),
  };

  async run(): Promise<void> {
    const kernel = await this.kernel();
    const loc = { dataDir: kernel.settings.dataDir };
    const rows = kernel
      .registry('dataset')
      .list()
      .map((e) => summarizeDataset(e.extension, loc));
    if (this.flags.json) {
      this.printJson(rows);
      return;
    }
    this.log(
      renderTable(
        ['ID', 'TASK', 'CLASSES', 'CH', 'TRAIN/VAL/TEST', 'SIZES', 'LOCAL'],
        rows.map((r) => [
          r.id,
          r.task,
          r.classes,
          r.channels,
          `${r.splits.train}/${r.splits.val}/${r.splits.test}`,
          r.sizes.join(','),
          r.present.map((p) => (p.embedded ? `${p.size} (embedded)` : String(p.size))).join(', ') || '-',
        ]),
      ),
    );
    this.log(`\ndata directory: ${loc.dataDir}`);
  }
}
