import fs from 'node:fs';
import path from 'node:path';
import { Flags } from '@oclif/core';
import { MstfCommand } from '../../base.js';
import { drawArchitecture } from '../../../core/arch/describe.js';
import { MstfError } from '../../../core/errors.js';
import { archFlags, archRequest } from './show.js';

export default class ArchDraw extends MstfCommand<typeof ArchDraw> {
  static override description = 'Draw a genotype\'s architecture as SVG (cells, nodes, ops, pools, channel counts)';
  static override examples = [
    '<%= config.bin %> arch draw --space mstf --genotype "0,0,1,1,2,0,6,2,7,3,0,1,2,3,0,0,1,1,2,0,6,2,7,3,0,1,2,3,0,0,1,1,2,0,6,2,7,3,0,1,2,3" --out arch.svg',
  ];
  static override flags = {
    ...archFlags,
    out: Flags.string({ description: 'SVG file to write (default: print the SVG to stdout)' }),
    json: Flags.boolean({ description: 'print {out, bytes} as JSON after writing', default: false }),
  };

  async run(): Promise<void> {
    const kernel = await this.kernel();
    const svg = drawArchitecture(kernel, archRequest(kernel, this.flags).request);
    const out = this.flags.out;
    if (!out) {
      process.stdout.write(svg);
      return;
    }
    const file = path.resolve(out);
    try {
      // Write next to the target and rename: no half-written file on failure.
      const tmp = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, svg);
      fs.renameSync(tmp, file);
    } catch (e) {
      throw new MstfError('INVALID_ARGUMENT', `--out ${out}: cannot write (${(e as Error).message})`);
    }
    if (this.flags.json) this.printJson({ out: file, bytes: Buffer.byteLength(svg) });
    else this.log(`wrote ${file}`);
  }
}
