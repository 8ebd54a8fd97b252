import { Args, Flags } from '@oclif/core';
import { MstfCommand } from '../../base.js';
import { fetchDataset } from '../../../core/data/fetch.js';
import { formatProgress, type DownloadProgress } from '../../../core/data/download.js';

export default class DatasetsFetch extends MstfCommand<typeof DatasetsFetch> {
  static override description =
    'Download a dataset file into the data directory (temporary file, MD5 check, atomic rename). Env MSTF_MEDMNIST_BASE_URL replaces the Zenodo URL.';
  static override examples = [
    '<%= config.bin %> datasets fetch pathmnist',
    '<%= config.bin %> datasets fetch breastmnist --size 224 --data-dir ./data',
  ];
  static override args = {
    id: Args.string({ description: 'dataset id (see `mstf datasets list`)', required: true }),
  };
  static override flags = {
    size: Flags.integer({ description: 'image size (28, 64, 128 or 224 for MedMNIST)', default: 28 }),
    force: Flags.boolean({ description: 'download again even when a good copy is present', default: false }),
    json: Flags.boolean({ description: 'JSON lines: progress events, then the result', default: false }),
  };

  async run(): Promise<void> {
    const kernel = await this.kernel();
    const ds = kernel.registry('dataset').get(this.args.id);
    const tty = Boolean(process.stderr.isTTY) && !this.flags.json;
    const name = `${ds.id} ${this.flags.size}x${this.flags.size}`;
    let lastJson = 0;
    const onProgress = (p: DownloadProgress) => {
      if (tty) {
        process.stderr.write(`\r${formatProgress(name, p)}\x1b[K`);
      } else if (this.flags.json && (p.done || Date.now() - lastJson >= 1000)) {
        lastJson = Date.now();
        this.printJson({ event: 'progress', id: ds.id, size: this.flags.size, ...p });
      }
    };
    try {
      const r = await fetchDataset(
        ds,
        { dataDir: kernel.settings.dataDir },
        { size: this.flags.size, force: this.flags.force, onProgress },
      );
      if (tty) process.stderr.write('\n');
      if (this.flags.json) {
        this.printJson({ event: 'done', ...r });
        return;
      }
      const mb = (r.bytes / 1e6).toFixed(1);
      this.log(
        r.alreadyPresent
          ? `${name}: already present at ${r.path} (md5 ok)`
          : `${name}: saved ${r.path} (${mb} MB, md5 ok)`,
      );
    } catch (e) {
      if (tty) process.stderr.write('\n');
      throw e;
    }
  }
}
