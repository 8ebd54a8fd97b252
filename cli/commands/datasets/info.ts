import { Args, Flags } from '@oclif/core';
import { MstfCommand } from '../../base.js';
import { describeDataset } from '../../../core/data/describe.js';

export default class DatasetsInfo extends MstfCommand<typeof DatasetsInfo> {
  static override description =
    'Everything about one dataset: task, labels, splits, download URLs and MD5s, local files';
  static override examples = [
    '<%= config.bin %> datasets info breastmnist',
    '<%= config.bin %> datasets info pathmnist --json',
  ];
  static override args = {
    id: Args.string({ description: 'dataset id (see `mstf datasets list`)', required: true }),
  };
  static override flags = {
    json: Flags.boolean({ description: 'one JSON object', default: false }),
  };

  async run(): Promise<void> {
    const kernel = await this.kernel();
    const ds = kernel.registry('dataset').get(this.args.id);
    const d = describeDataset(ds, { dataDir: kernel.settings.dataDir });
    if (this.flags.json) {
      this.printJson(d);
      return;
    }
    const lines = [
      `${d.id}: ${d.description}`,
      `task:      ${d.task}, ${d.classes} ${d.task === 'multi-label' ? 'labels' : 'classes'}, ${d.channels} channel${d.channels === 1 ? '' : 's'}`,
      `splits:    train ${d.splits.train}, val ${d.splits.val}, test ${d.splits.test}`,
      `sizes:     ${d.sizes.map((s) => `${s}x${s}`).join(', ')}`,
      ...(d.license ? [`license:   ${d.license}`] : []),
      'labels:',
      ...d.labelNames.map((l, i) => `  ${i}: ${l}`),
      'files:',
      ...d.files.flatMap((f) => [
        `  ${f.size}x${f.size}: ${f.local ? f.local.path + (f.local.embedded ? ' (embedded)' : '') : 'not here'}`,
        ...(f.url ? [`    url ${f.url}`, `    md5 ${f.md5}`] : []),
        ...(f.manual ? [`    ${f.manual}`] : []),
      ]),
    ];
    for (const [k, v] of Object.entries(d.details)) {
      if (k === 'labels') continue;
      lines.push(`${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`);
    }
    this.log(lines.join('\n'));
  }
}
