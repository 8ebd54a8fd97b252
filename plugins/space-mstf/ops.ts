/**
 * The MSTF operation tables (paper Sec. III-A; index order as in DESIGN.md). Changing an order changes
 * the meaning of every stored genotype, so these lists are fixed.
 */

export type NormalOpKind = 'sep' | 'dil' | 'conv7x1_1x7' | 'identity' | 'zero';

export interface NormalOp {
  label: string;
  kind: NormalOpKind;
  /** Square kernel of sep/dil convs. */
  kernel?: number;
}

/** Normal-cell operations, o_N = 8. */
export const NORMAL_OPS: readonly NormalOp[] = [
  { label: 'sep 3x3', kind: 'sep', kernel: 3 },
  { label: 'sep 5x5', kind: 'sep', kernel: 5 },
  { label: 'sep 7x7', kind: 'sep', kernel: 7 },
  { label: 'dil sep 3x3', kind: 'dil', kernel: 3 },
  { label: 'dil sep 5x5', kind: 'dil', kernel: 5 },
  { label: '7x1+1x7 conv', kind: 'conv7x1_1x7' },
  { label: 'identity', kind: 'identity' },
  { label: 'zero', kind: 'zero' },
];

/** Index of the `zero` op (the op that makes a node dead). */
export const ZERO_OP = NORMAL_OPS.findIndex((o) => o.kind === 'zero');

/** Dilation rate of the dilated separable convolutions. */
export const DILATION = 2;

export interface Pool {
  label: string;
  mode: 'max' | 'avg';
  window: number;
}

/** Reduction-cell pooling operations, o_R = 6, all stride 2. */
export const POOLS: readonly Pool[] = [
  { label: 'max 2x2', mode: 'max', window: 2 },
  { label: 'avg 2x2', mode: 'avg', window: 2 },
  { label: 'max 3x3', mode: 'max', window: 3 },
  { label: 'avg 3x3', mode: 'avg', window: 3 },
  { label: 'max 4x4', mode: 'max', window: 4 },
  { label: 'avg 4x4', mode: 'avg', window: 4 },
];

/** Nodes per normal cell (n_N) and per reduction cell (n_R); genes per block = 2 n_N + n_R. */
export const NORMAL_NODES = 5;
export const REDUCTION_NODES = 4;
export const GENES_PER_BLOCK = 2 * NORMAL_NODES + REDUCTION_NODES;
