import { Flags } from '@oclif/core';
import { MstfCommand } from '../../base.js';
import { describeArchitecture, parseInputShape, type ArchRequest } from '../../../core/arch/describe.js';
import { renderTable } from '../../table.js';

/** Flags shared by `arch show` and `arch draw`. */
export const archFlags = {
  space: Flags.string({ description: 'search space id (see `mstf extensions list --kind searchSpace`)', required: true }),
  genotype: Flags.string({
    description: 'genotype: integers "1,0,3,..." or a space-specific form (an NB201 cell string)',
    required: true,
  }),
  input: Flags.string({ description: 'input shape HxWxC (default: the space\'s, mstf 28x28x1, nb201 32x32x3)' }),
  classes: Flags.integer({ description: 'number of classes (default: the space\'s, mstf 2, nb201 10)', min: 1 }),
  channels: Flags.integer({ description: 'space option `channels` (mstf: initial channels C0; nb201: first-stage C)' }),
  blocks: Flags.integer({ description: 'space option `blocks` (mstf: 3 for 28x28, 4 for CBIS-DDSM)' }),
};

/** The request the shared flags describe. */
export function archRequest(flags: {
  space: string;
  genotype: string;
  input?: string;
  classes?: number;
  channels?: number;
  blocks?: number;
}): ArchRequest {
  const options: Record<string, unknown> = {};
  if (flags.channels !== undefined) options.channels = flags.channels;
  if (flags.blocks !== undefined) options.blocks = flags.blocks;
  return {
    space: flags.space,
    genotype: flags.genotype,
    inputShape: flags.input === undefined ? undefined : parseInputShape(flags.input),
    classes: flags.classes,
    options,
  };
}

const shape = (s: number[]) => s.join('x');

export default class ArchShow extends MstfCommand<typeof ArchShow> {
  static override description = 'Decode a genotype: layers, output shapes, FLOPs (MACs) and parameters';
  static override examples = [
    '<%= config.bin %> arch show --space mstf --genotype "0,0,1,1,2,0,6,2,7,3,0,1,2,3,0,0,1,1,2,0,6,2,7,3,0,1,2,3,0,0,1,1,2,0,6,2,7,3,0,1,2,3"',
    '<%= config.bin %> arch show --space nb201 --genotype "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|" --json',
  ];
  static override flags = {
    ...archFlags,
    json: Flags.boolean({
      description: 'one JSON object {space, genotype, hash, flops, params, degenerate, inputShape, classes, options, outShape, summary, layers}',
      default: false,
    }),
  };

  async run(): Promise<void> {
    const kernel = await this.kernel();
    const d = describeArchitecture(kernel, archRequest(this.flags));
    if (this.flags.json) {
      this.printJson(d);
      return;
    }
    const rows = d.layers
      .filter((l) => l.op !== 'input')
      .map((l) => [l.node, l.op, l.label ?? '', l.group ?? '', shape(l.outShape), l.flops, l.params]);
    this.log(d.summary);
    this.log('');
    this.log(renderTable(['NODE', 'OP', 'LABEL', 'GROUP', 'OUT', 'MACS', 'PARAMS'], rows));
    this.log('');
    this.log(`genotype  ${d.genotype}`);
    this.log(`hash      ${d.hash}`);
    this.log(`input     ${shape(d.inputShape)}, ${d.classes} classes, output [${d.outShape.join(', ')}]`);
    this.log(`FLOPs     ${d.flops} MACs (${(d.flops / 1e6).toFixed(2)} M)`);
    this.log(`params    ${d.params} (${(d.params / 1e6).toFixed(4)} M)`);
    if (d.degenerate) this.log('degenerate: yes (the network ignores its input; infeasible in a search)');
  }
}
