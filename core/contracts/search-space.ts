import type { BudgetDeclaration, ExtensionBase } from './extension.js';
import type { FeatureShape, NetworkIR } from '../ir/types.js';
import type { Rng } from '../util/rng.js';

export type Genotype = number[];

export interface GeneBound {
  name: string;
  low: number;
  high: number;
}

/** What every space is told about the data it builds networks for. */
export interface SpaceContext {
  inputShape: FeatureShape;
  classes: number;
}

/** A search space configured for one input shape, class count and its own options. */
export interface SpaceInstance {
  readonly spaceId: string;
  readonly bounds: readonly GeneBound[];
  /** Parse user text ("1,0,3,..." or a space-specific string such as an NB201 cell string). */
  parse(text: string): Genotype;
  /** Canonical text of a genotype (round-trips through parse). */
  format(g: Genotype): string;
  /** Throws MstfError('INVALID_GENOTYPE') naming the gene and its allowed range. */
  validate(g: Genotype): void;
  sample(rng: Rng): Genotype;
  decode(g: Genotype): NetworkIR;
  /** Same hash <=> same network (duplicate elimination). */
  hash(g: Genotype): string;
  describe(g: Genotype): string;
  /** Networks that ignore their input (constant output) are infeasible. */
  isDegenerate(g: Genotype): boolean;
  /** SVG drawing of the decoded architecture. */
  draw(g: Genotype): string;
}

export interface SearchSpace<Options = unknown> extends ExtensionBase<Options> {
  readonly kind: 'searchSpace';
  /**
   * Options a search's budget knobs set (`mstf search --channels/--blocks/--population/--offspring` and
   * the presets): knob -> option key. Knobs not declared are not applied (an explicit one is an error).
   */
  readonly budget?: BudgetDeclaration;
  /** Input shape and class count used when a caller gives none (e.g. `mstf arch show` without --input). */
  readonly defaultContext?: SpaceContext;
  create(ctx: SpaceContext, options: Options): SpaceInstance;
}
