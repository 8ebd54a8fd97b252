/**
 * The `nb201` search space: the NAS-Bench-201 cell in the standard CIFAR skeleton, for validating
 * indicators against published results. Genotype: 6 op indices, one per edge; text is either the standard
 * cell string or 6 integers.
 */
import {
  z,
  MstfError,
  type Genotype,
  type SearchSpace,
  type SpaceContext,
  type SpaceInstance,
  type Rng,
  checkGenes,
  parseIntegerGenes,
  sampleGenes,
  canonicalHash,
  checkContext,
  optionsError,
  networkCost,
} from '../../core/index.js';
import { EDGES, NB201_BOUNDS, NB201_OPS, formatCell, parseCell } from './cell.js';
import { decodeNb201, type Nb201Options } from './decode.js';
import { drawNb201, liveNodes } from './draw.js';

export const nb201OptionsSchema = z.strictObject({
  channels: z.number().int().min(1).max(4096).default(16).describe('channels of the first stage (NAS-Bench-201: 16)'),
  cellsPerStage: z.number().int().min(1).max(32).default(5).describe('cells per stage (NAS-Bench-201: 5)'),
}) satisfies z.ZodType<Nb201Options, unknown>;

/** Resampling budget for non-degenerate samples (341 of the 15625 cells, 2.2%, are degenerate). */
const MAX_SAMPLE_TRIES = 10_000;

class Nb201SpaceInstance implements SpaceInstance {
  readonly spaceId = 'nb201';
  readonly bounds = NB201_BOUNDS;

  constructor(
    private readonly ctx: SpaceContext,
    private readonly options: Nb201Options,
  ) {}

  /** A cell string when the text contains '~' or '|', otherwise 6 integers. */
  parse(text: string): Genotype {
    const g = /[|~]/.test(text) ? parseCell(text) : parseIntegerGenes(text, this.bounds);
    this.validate(g);
    return g;
  }

  format(g: Genotype): string {
    this.validate(g);
    return formatCell(g);
  }

  validate(g: Genotype): void {
    checkGenes(g, this.bounds, 'the nb201 space (one op per edge)');
  }

  /**
   * Uniform over all 5^6 = 15625 cells, as NAS-Bench-201 lists them, except that cells whose output ignores
   * the input are resampled (they are infeasible, see isDegenerate).
   */
  sample(rng: Rng): Genotype {
    for (let i = 0; i < MAX_SAMPLE_TRIES; i++) {
      const g = sampleGenes(this.bounds, rng);
      if (!this.isDegenerate(g)) return g;
    }
    throw new MstfError('INTERNAL', `nb201 space: no non-degenerate cell in ${MAX_SAMPLE_TRIES} samples`);
  }

  decode(g: Genotype) {
    this.validate(g);
    const ir = decodeNb201(g, this.ctx, this.options);
    ir.meta = { ...ir.meta, genotype: formatCell(g) };
    return ir;
  }

  hash(g: Genotype): string {
    return canonicalHash(this.decode(g));
  }

  /** Node 3 of the cell does not depend on node 0: every cell outputs zeros and the network a constant. */
  isDegenerate(g: Genotype): boolean {
    this.validate(g);
    return !liveNodes(g)[3];
  }

  describe(g: Genotype): string {
    const cost = networkCost(this.decode(g));
    const [h, w, c] = this.ctx.inputShape;
    const edges = EDGES.map(([from, to], i) => `${from}->${to} ${NB201_OPS[g[i]!]}`).join(', ');
    return [
      `nb201: cell ${formatCell(g)}`,
      `edges: ${edges}${this.isDegenerate(g) ? ' (degenerate: the cell output ignores its input)' : ''}`,
      `skeleton: C=${this.options.channels}, ${this.options.cellsPerStage} cells per stage, input ${h}x${w}x${c}, ${this.ctx.classes} classes; ` +
        `${(cost.params / 1e6).toFixed(6)} M params, ${(cost.flops / 1e6).toFixed(2)} M MACs`,
    ].join('\n');
  }

  draw(g: Genotype): string {
    return drawNb201(g, this.decode(g), this.options, this.ctx.classes);
  }
}

export const nb201Space: SearchSpace<Nb201Options> = {
  id: 'nb201',
  kind: 'searchSpace',
  description:
    'NAS-Bench-201 cell (4 nodes, 6 edges, 5 ops) in the CIFAR skeleton, for validation against the benchmark',
  optionsSchema: nb201OptionsSchema,
  budget: { channels: 'channels' },
  defaultContext: { inputShape: [32, 32, 3], classes: 10 },
  create(ctx: SpaceContext, options: Nb201Options): SpaceInstance {
    const parsed = nb201OptionsSchema.safeParse(options ?? {});
    if (!parsed.success) throw optionsError('nb201', parsed.error);
    checkContext('nb201', ctx);
    const [h, w] = ctx.inputShape;
    // Two stride-2 ResNet blocks whose conv path (pad 1) and shortcut (2x2 pool) must agree in size.
    if (h % 4 !== 0 || w % 4 !== 0) {
      throw new MstfError(
        'INVALID_ARGUMENT',
        `space nb201: input ${h}x${w} must have H and W divisible by 4 (two stride-2 reductions)`,
      );
    }
    return new Nb201SpaceInstance(ctx, parsed.data);
  },
};
