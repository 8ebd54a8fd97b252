/**
 * MSTF genotype layout: per block 14 integers,
 *   [op1, in1, op2, in2, op3, in3, op4, in4, op5, in5, pool1, pool2, pool3, pool4]
 * op_k in 0..7 (NORMAL_OPS), in_k in 0..k-1 (0 = the cell input, j = node j), pool_i in 0..5 (POOLS).
 * The input bounds give exactly 1*2*3*4*5 = n_N! wirings, so a block has o_N^n_N * n_N! * o_R^n_R genotypes,
 * the count of the paper's Sec. III-A.
 */
import type { GeneBound, Genotype } from '../../core/index.js';
import { GENES_PER_BLOCK, NORMAL_NODES, NORMAL_OPS, POOLS, REDUCTION_NODES, ZERO_OP } from './ops.js';

export function mstfBounds(blocks: number): GeneBound[] {
  const bounds: GeneBound[] = [];
  for (let b = 1; b <= blocks; b++) {
    for (let k = 1; k <= NORMAL_NODES; k++) {
      bounds.push({ name: `block ${b} normal node ${k} op`, low: 0, high: NORMAL_OPS.length - 1 });
      bounds.push({ name: `block ${b} normal node ${k} input`, low: 0, high: k - 1 });
    }
    for (let p = 1; p <= REDUCTION_NODES; p++) {
      bounds.push({ name: `block ${b} reduction pool ${p}`, low: 0, high: POOLS.length - 1 });
    }
  }
  return bounds;
}

export interface NormalNodeGene {
  /** Index into NORMAL_OPS. */
  op: number;
  /** 0 = the cell input, j = normal node j. */
  input: number;
}

export interface BlockGenes {
  /** nodes[k - 1] is normal node k. */
  nodes: NormalNodeGene[];
  /** Normal nodes (1..5) that no other node consumes: concatenated as the cell output. */
  unconsumed: number[];
  /** Indices into POOLS. */
  pools: number[];
}

/** Split a (validated) genotype into blocks. */
export function splitBlocks(g: Genotype): BlockGenes[] {
  const blocks: BlockGenes[] = [];
  for (let start = 0; start < g.length; start += GENES_PER_BLOCK) {
    const nodes: NormalNodeGene[] = [];
    for (let k = 0; k < NORMAL_NODES; k++) nodes.push({ op: g[start + 2 * k]!, input: g[start + 2 * k + 1]! });
    const consumed = new Set(nodes.map((n) => n.input));
    const unconsumed = nodes.map((_, i) => i + 1).filter((k) => !consumed.has(k));
    const pools = g.slice(start + 2 * NORMAL_NODES, start + GENES_PER_BLOCK);
    blocks.push({ nodes, unconsumed, pools });
  }
  return blocks;
}

/**
 * Normal nodes whose value does not depend on the cell input: the op is `zero`, or the node is built on
 * such a node (any op of a constant is a constant). dead[0] is the cell input (never dead).
 */
export function deadNodes(block: BlockGenes): boolean[] {
  const dead = [false];
  block.nodes.forEach((n) => {
    dead.push(n.op === ZERO_OP || dead[n.input]!);
  });
  return dead;
}

/** The normal cell outputs a constant (exactly 0 at initialisation): every unconsumed node is dead. */
export function isDeadCell(block: BlockGenes): boolean {
  const dead = deadNodes(block);
  return block.unconsumed.every((k) => dead[k]);
}
