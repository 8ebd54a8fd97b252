import { Args, Flags } from '@oclif/core';
import { MstfCommand } from '../../base.js';
import { createPlugin, TEMPLATE_KINDS } from '../../plugin-new.js';

export default class PluginNew extends MstfCommand<typeof PluginNew> {
  static override description =
    'Create a plugin package from a template (plain ESM JavaScript, tests with node --test; see docs/plugins.md)';
  static override examples = [
    '<%= config.bin %> plugin new mstf-plugin-l1 --kind indicator',
    '<%= config.bin %> plugin new mstf-plugin-chain --kind searchSpace --dir ~/src',
    '<%= config.bin %> plugin new mstf-plugin-my-images --kind dataset',
    '<%= config.bin %> plugin new mstf-plugin-l1 --kind indicator --mstf-spec ^0.1.0',
  ];
  static override args = {
    name: Args.string({
      description: 'npm package name, e.g. mstf-plugin-l1 (also the new directory)',
      required: true,
    }),
  };
  static override flags = {
    kind: Flags.string({
      description: `extension kind of the template (${TEMPLATE_KINDS.join(', ')}; executor and engine have none: write them from their contract)`,
      required: true,
    }),
    dir: Flags.string({ description: 'parent directory of the new package (default: the working directory)' }),
    id: Flags.string({ description: 'extension id (default: from the name, "mstf-plugin-l1-norm" -> "l1_norm")' }),
    'mstf-spec': Flags.string({
      description: 'version spec of the mstf-nas dependency (default: file:<this mstf>; e.g. ^0.1.0 once published)',
    }),
    json: Flags.boolean({
      description: 'print one JSON object {dir, name, kind, id, files, mstfSpec}',
      default: false,
    }),
  };

  async run(): Promise<void> {
    const f = this.flags;
    const r = createPlugin({
      name: this.args.name,
      kind: f.kind,
      cwd: process.cwd(),
      ...(f.dir !== undefined ? { dir: f.dir } : {}),
      ...(f.id !== undefined ? { id: f.id } : {}),
      ...(f['mstf-spec'] !== undefined ? { mstfSpec: f['mstf-spec'] } : {}),
    });
    if (f.json) {
      this.printJson(r);
      return;
    }
    this.log(`created ${r.dir} (${r.kind} "${r.id}", mstf-nas ${r.mstfSpec})`);
    for (const file of r.files) this.log(`  ${file}`);
    this.log('next:');
    // --ignore-scripts: npm runs a file: dependency's `prepare` (a full rebuild of mstf) on every install.
    const install = r.mstfSpec.startsWith('file:') ? 'npm install --ignore-scripts' : 'npm install';
    this.log(`  cd ${r.dir} && ${install} && npm test`);
    this.log(`  mstf extensions list --plugin ${r.dir}`);
    if (r.kind === 'dataset') {
      this.log(`  put your images in <data dir>/${r.id}/<train|val|test>/<class>/<name>.npy (see README.md), then`);
      this.log(`  mstf datasets info ${r.id} --plugin ${r.dir} --data-dir <data dir>`);
    }
  }
}
