import { Flags } from '@oclif/core';
import { MstfCommand } from '../../base.js';
import { describeArchitecture, parseInputShape, type ArchRequest } from '../../../core/arch/describe.js';
import { renderTable } from '../../table.js';
import { MstfError } from '../../../core/errors.js';
import { memberArchRequest, readMember, type MemberSelector, type SearchMember } from '../../../core/search/member.js';
import type { Kernel } from '../../../core/kernel/loader.js';

/** `--run <id> [--member <hash prefix> | --rank K]`: an architecture of a stored search (arch, proxies score, train). */
export const memberFlags = {
  run: Flags.string({
    description:
      'a search in the run store: its pick, or the member named by --member / --rank (its space, options, input and classes)',
  }),
  member: Flags.string({
    description: 'with --run: any evaluated network of the search, by hash prefix (mstf runs show)',
    dependsOn: ['run'],
    exclusive: ['rank'],
  }),
  rank: Flags.integer({
    description: 'with --run: the K-th member (1-based) of the final Pareto front, as mstf runs show lists it',
    min: 1,
    dependsOn: ['run'],
    exclusive: ['member'],
  }),
};

/** Flags shared by `arch show`, `arch draw` and `arch export`. */
export const archFlags = {
  space: Flags.string({
    description:
      "search space id (see `mstf extensions list --kind searchSpace`); default mstf, or the search's with --run",
  }),
  genotype: Flags.string({
    description: 'genotype: integers "1,0,3,..." or a space-specific form (an NB201 cell string)',
    exclusive: ['run'],
  }),
  ...memberFlags,
  input: Flags.string({
    description: "input shape HxWxC (default: the space's, mstf 28x28x1, nb201 32x32x3)",
    exclusive: ['run'],
  }),
  classes: Flags.integer({
    description: "number of classes (default: the space's, mstf 2, nb201 10)",
    min: 1,
    exclusive: ['run'],
  }),
  channels: Flags.integer({
    description: 'space option `channels` (mstf: initial channels C0; nb201: first-stage C)',
    exclusive: ['run'],
  }),
  blocks: Flags.integer({
    description: 'space option `blocks` (mstf: 3 for 28x28, 4 for CBIS-DDSM)',
    exclusive: ['run'],
  }),
};

export interface ArchFlagValues {
  space?: string;
  genotype?: string;
  run?: string;
  member?: string;
  rank?: number;
  input?: string;
  classes?: number;
  channels?: number;
  blocks?: number;
}

/** The request the shared flags describe, and the search member when --run names one. */
export function archRequest(kernel: Kernel, flags: ArchFlagValues): { request: ArchRequest; member?: SearchMember } {
  if (flags.run !== undefined) {
    const member = readMember(kernel, flags.run, memberSelector(flags));
    if (flags.space !== undefined && flags.space !== member.search.config.space) {
      throw new MstfError(
        'INVALID_ARGUMENT',
        `--space ${flags.space}: search "${flags.run}" searched space ${member.search.config.space}`,
      );
    }
    return { request: memberArchRequest(kernel, member), member };
  }
  if (flags.genotype === undefined)
    throw new MstfError(
      'INVALID_ARGUMENT',
      'say which architecture: --genotype "<g>" [--space mstf] or --run <searchId> [--member <hash prefix> | --rank K]',
    );
  const options: Record<string, unknown> = {};
  if (flags.channels !== undefined) options.channels = flags.channels;
  if (flags.blocks !== undefined) options.blocks = flags.blocks;
  return {
    request: {
      space: flags.space ?? 'mstf',
      genotype: flags.genotype,
      inputShape: flags.input === undefined ? undefined : parseInputShape(flags.input),
      classes: flags.classes,
      options,
    },
  };
}

const shape = (s: number[]) => s.join('x');

export default class ArchShow extends MstfCommand<typeof ArchShow> {
  static override description = 'Decode a genotype: layers, output shapes, FLOPs (MACs) and parameters';
  static override examples = [
    '<%= config.bin %> arch show --space mstf --genotype "0,0,1,1,2,0,6,2,7,3,0,1,2,3,0,0,1,1,2,0,6,2,7,3,0,1,2,3,0,0,1,1,2,0,6,2,7,3,0,1,2,3"',
    '<%= config.bin %> arch show --run <searchId> --rank 2',
    '<%= config.bin %> arch show --space nb201 --genotype "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|" --json',
  ];
  static override flags = {
    ...archFlags,
    json: Flags.boolean({
      description:
        'one JSON object {space, genotype, hash, flops, params, degenerate, inputShape, classes, options, outShape, summary, layers}',
      default: false,
    }),
  };

  async run(): Promise<void> {
    const kernel = await this.kernel();
    const { request, member } = archRequest(kernel, this.flags);
    const d = describeArchitecture(kernel, request);
    if (this.flags.json) {
      this.printJson(member ? { ...d, search: memberInfo(member) } : d);
      return;
    }
    const rows = d.layers
      .filter((l) => l.op !== 'input')
      .map((l) => [l.node, l.op, l.label ?? '', l.group ?? '', shape(l.outShape), l.flops, l.params]);
    if (member) this.log(memberLine(member));
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

/** What `--run` resolved to, for --json outputs. */
export function memberInfo(m: SearchMember) {
  return {
    searchId: m.search.id,
    hash: m.candidate.hash,
    chosenBy: m.chosenBy,
    rank: m.rank,
    selected: m.selected,
    scores: m.candidate.scores,
  };
}

/** One line naming the member (human output). */
export function memberLine(m: SearchMember): string {
  const where = m.rank !== null ? `Pareto member ${m.rank}` : `candidate of generation ${m.candidate.generation}`;
  return `search ${m.search.id}: ${m.selected ? 'the selected architecture' : where}${m.selected && m.rank !== null ? ` (Pareto member ${m.rank})` : ''}, hash ${m.candidate.hash.slice(0, 12)}`;
}

/** --member / --rank as a selector (neither: the search's pick). */
export function memberSelector(flags: { member?: string; rank?: number }): MemberSelector {
  const s: MemberSelector = {};
  if (flags.member !== undefined) s.member = flags.member;
  if (flags.rank !== undefined) s.rank = flags.rank;
  return s;
}
