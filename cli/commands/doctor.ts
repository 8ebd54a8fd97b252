import fs from 'node:fs';
import path from 'node:path';
import { Flags } from '@oclif/core';
import semver from 'semver';
import { MstfCommand } from '../base.js';
import { engineOf } from '../../core/engine/select.js';
import { embeddedDataDir } from '../../core/data/locations.js';
import { CONFIG_FILE } from '../../core/kernel/loader.js';
import { oneLine } from '../../core/errors.js';

const NODE_RANGE = '>=20.19';

export default class Doctor extends MstfCommand<typeof Doctor> {
  static override description =
    'Check this machine: Node version, the tensor backend chosen (and why the others were skipped), plugins, data and store locations';
  static override examples = [
    '<%= config.bin %> doctor',
    '<%= config.bin %> doctor --json',
    'MSTF_BACKEND=cpu <%= config.bin %> doctor',
  ];
  static override flags = {
    json: Flags.boolean({ description: 'print one JSON object', default: false }),
  };

  async run(): Promise<void> {
    const settings = this.settings;
    const kernel = await this.kernel();
    const node = {
      version: process.versions.node,
      required: NODE_RANGE,
      ok: semver.satisfies(process.versions.node, NODE_RANGE),
    };
    let backend: { name: string | null; reason: string; skipped: { name: string; why: string }[]; ok: boolean };
    try {
      const d = await engineOf(kernel).ready(settings.backend);
      backend = { name: d.name, reason: d.reason, skipped: d.skipped, ok: true };
    } catch (e) {
      backend = { name: null, reason: oneLine(e), skipped: [], ok: false };
    }
    const datasets = kernel
      .registry('dataset')
      .list()
      .map((e) => e.extension);
    const present = datasets.filter((d) => d.isPresent({ dataDir: settings.dataDir })).map((d) => d.id);
    const configFile = path.join(settings.cwd, CONFIG_FILE);
    const report = {
      mstf: this.config.version,
      node,
      platform: `${process.platform}-${process.arch}`,
      backend,
      plugins: kernel.plugins,
      config: { file: configFile, present: fs.existsSync(configFile) },
      data: {
        dir: settings.dataDir,
        exists: fs.existsSync(settings.dataDir),
        embedded: embeddedDataDir(),
        presentDatasets: present,
      },
      store: { path: settings.storePath, exists: fs.existsSync(settings.storePath) },
    };
    if (this.flags.json) {
      this.printJson(report);
    } else {
      const mark = (ok: boolean) => (ok ? 'ok ' : '!! ');
      this.log(`${mark(node.ok)}node      ${node.version} (mstf needs ${NODE_RANGE})`);
      this.log(`${mark(backend.ok)}backend   ${backend.name ?? 'none'}: ${backend.reason}`);
      for (const s of backend.skipped) this.log(`           skipped ${s.name}: ${s.why}`);
      this.log(`ok plugins   ${kernel.plugins.map((p) => `${p.name}@${p.version}`).join(', ')}`);
      this.log(`   config    ${configFile} (${report.config.present ? 'present' : 'absent'})`);
      this.log(
        `   data      ${settings.dataDir} (${report.data.exists ? 'exists' : 'absent'}); embedded ${report.data.embedded}`,
      );
      this.log(`   datasets  present locally: ${present.join(', ') || 'none'}`);
      this.log(`   store     ${settings.storePath} (${report.store.exists ? 'exists' : 'created on first search'})`);
    }
    if (!node.ok || !backend.ok) process.exitCode = 1;
  }
}
