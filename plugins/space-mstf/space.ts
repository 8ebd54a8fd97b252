/**
 * The `mstf` search space: B blocks of (normal cell, reduction cell), 14 genes per block
 * (see genotype.ts for the layout and decode.ts for the network).
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
  inferShapes,
} from '../../core/index.js';
import { isDeadCell, mstfBounds, splitBlocks } from './genotype.js';
import { blockChannels, decodeMstf, type MstfOptions } from './decode.js';
import { drawMstf } from './draw.js';
import { GENES_PER_BLOCK, NORMAL_OPS, POOLS } from './ops.js';

export const mstfOptionsSchema = z.strictObject({
  blocks: z
    .number()
    .int()
    .min(1)
    .max(8)
    .default(3)
    .describe('blocks of (normal cell, reduction cell): 3 for 28x28 MedMNIST, 4 for CBIS-DDSM'),
  channels: z
    .number()
    .int()
    .min(4)
    .max(4096)
    .multipleOf(4, { message: 'channels must be a multiple of 4 (each reduction node has C/4 channels)' })
    .default(16)
    .describe(
      'initial channels C0 (16 = CPU preset, 128 = paper preset); doubled at the start of every block after the first',
    ),
}) satisfies z.ZodType<MstfOptions, unknown>;

/** Resampling budget for non-degenerate samples; ~15% of random 3-block genotypes are degenerate. */
const MAX_SAMPLE_TRIES = 10_000;

class MstfSpaceInstance implements SpaceInstance {
  readonly spaceId = 'mstf';
  readonly bounds;

  constructor(
    private readonly ctx: SpaceContext,
    private readonly options: MstfOptions,
  ) {
    this.bounds = Object.freeze(mstfBounds(options.blocks));
  }

  private what(): string {
    return `the mstf space with ${this.options.blocks} block${this.options.blocks === 1 ? '' : 's'} (${GENES_PER_BLOCK} per block)`;
  }

  parse(text: string): Genotype {
    const g = parseIntegerGenes(text, this.bounds);
    this.validate(g);
    return g;
  }

  format(g: Genotype): string {
    this.validate(g);
    return g.join(',');
  }

  validate(g: Genotype): void {
    checkGenes(g, this.bounds, this.what());
  }

  /** A uniformly random non-degenerate genotype (degenerate ones are resampled: they are infeasible). */
  sample(rng: Rng): Genotype {
    for (let i = 0; i < MAX_SAMPLE_TRIES; i++) {
      const g = sampleGenes(this.bounds, rng);
      if (!this.isDegenerate(g)) return g;
    }
    throw new MstfError('INTERNAL', `mstf space: no non-degenerate genotype in ${MAX_SAMPLE_TRIES} samples`);
  }

  decode(g: Genotype) {
    this.validate(g);
    const ir = decodeMstf(g, this.ctx, this.options);
    ir.meta = { ...ir.meta, genotype: g.join(',') };
    return ir;
  }

  hash(g: Genotype): string {
    return canonicalHash(this.decode(g));
  }

  isDegenerate(g: Genotype): boolean {
    this.validate(g);
    return splitBlocks(g).some(isDeadCell);
  }

  describe(g: Genotype): string {
    const ir = this.decode(g);
    const shapes = inferShapes(ir);
    const [h, w, c] = this.ctx.inputShape;
    const lines = [
      `mstf: ${this.options.blocks} blocks, C0=${this.options.channels}, input ${h}x${w}x${c}, ${this.ctx.classes} classes`,
    ];
    splitBlocks(g).forEach((block, i) => {
      const b = i + 1;
      const out = shapes.get(`b${b}_reduce_concat`)!;
      const nodes = block.nodes.map(
        (n, j) => `n${j + 1}=${NORMAL_OPS[n.op]!.label}(${n.input === 0 ? 'in' : `n${n.input}`})`,
      );
      lines.push(
        `block ${b} (C=${blockChannels(this.options.channels, b)}, -> ${out[0]}x${out[1]}): normal ${nodes.join(' ')}; ` +
          `concat ${block.unconsumed.map((k) => `n${k}`).join(',')}${isDeadCell(block) ? ' (dead: outputs a constant)' : ''}; ` +
          `reduction ${block.pools.map((p) => POOLS[p]!.label).join(', ')}`,
      );
    });
    return lines.join('\n');
  }

  draw(g: Genotype): string {
    return drawMstf(g, this.decode(g), this.options, this.ctx.classes);
  }
}

export const mstfSpace: SearchSpace<MstfOptions> = {
  id: 'mstf',
  kind: 'searchSpace',
  description:
    'MSTF-NAS multi-scale space: per block a 5-node normal cell and a 4-pool reduction cell (14 genes/block)',
  optionsSchema: mstfOptionsSchema,
  budget: { channels: 'channels', blocks: 'blocks' },
  defaultContext: { inputShape: [28, 28, 1], classes: 2 },
  create(ctx: SpaceContext, options: MstfOptions): SpaceInstance {
    const parsed = mstfOptionsSchema.safeParse(options ?? {});
    if (!parsed.success) throw optionsError('mstf', parsed.error);
    checkContext('mstf', ctx);
    return new MstfSpaceInstance(ctx, parsed.data);
  },
};
