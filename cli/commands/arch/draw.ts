import fs from 'node:fs';
import path from 'node:path';
import { Flags } from '@oclif/core';
import { MstfCommand } from '../../base.js';
import { drawArchitecture } from '../../../core/arch/describe.js';
import { MstfError } from '../../../core/errors.js';
import { archFlags, archRequest } from './show.js';
import { FIGURE_FORMATS, svgToPng } from '../../../core/figures/render.js';

export default class ArchDraw extends MstfCommand<typeof ArchDraw> {
  static override description =
    "Draw a genotype's architecture as SVG or PNG (cells, nodes, ops, pools, channel counts)";
  static override examples = [
    '<%= config.bin %> arch draw --space mstf --genotype "0,0,1,1,2,0,6,2,7,3,0,1,2,3,0,0,1,1,2,0,6,2,7,3,0,1,2,3,0,0,1,1,2,0,6,2,7,3,0,1,2,3" --out arch.svg',
    '<%= config.bin %> arch draw --space nb201 --genotype "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|" --out cell.png',
  ];
  static override flags = {
    ...archFlags,
    out: Flags.string({ description: 'file to write (default: print the SVG to stdout)' }),
    format: Flags.string({
      description: 'svg or png (default: from the --out extension, else svg; png needs --out)',
      options: [...FIGURE_FORMATS],
    }),
    json: Flags.boolean({ description: 'print {out, bytes} as JSON after writing', default: false }),
  };

  async run(): Promise<void> {
    const kernel = await this.kernel();
    const out = this.flags.out;
    const format = this.flags.format ?? (out && path.extname(out).toLowerCase() === '.png' ? 'png' : 'svg');
    if (format === 'png' && !out) throw new MstfError('INVALID_ARGUMENT', '--format png needs --out <file.png>');
    const svg = drawArchitecture(kernel, archRequest(kernel, this.flags).request);
    if (!out) {
      process.stdout.write(svg);
      return;
    }
    const data = format === 'png' ? svgToPng(svg) : svg;
    const file = path.resolve(out);
    try {
      // Write next to the target and rename: no half-written file on failure.
      const tmp = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, data);
      fs.renameSync(tmp, file);
    } catch (e) {
      throw new MstfError('INVALID_ARGUMENT', `--out ${out}: cannot write (${(e as Error).message})`);
    }
    if (this.flags.json) this.printJson({ out: file, format, bytes: Buffer.byteLength(data) });
    else this.log(`wrote ${file}`);
  }
}
