/**
 * The NAS-Bench-201 cell: 4 nodes, node j = sum over i < j of op_ij(node i), 6 edges in the order of the
 * standard cell string |op~0|+|op~0|op~1|+|op~0|op~1|op~2|, i.e. (0->1), (0->2), (1->2), (0->3), (1->3),
 * (2->3). Op indices follow NAS-Bench-201's own list (NAS_BENCH_201 in xautodl).
 */
import { MstfError, type GeneBound, type Genotype } from '../../core/index.js';

export const NB201_OPS = ['none', 'skip_connect', 'nor_conv_1x1', 'nor_conv_3x3', 'avg_pool_3x3'] as const;
export type Nb201Op = (typeof NB201_OPS)[number];

/** Edges in genotype (and cell string) order: [from, to]. */
export const EDGES: readonly (readonly [number, number])[] = [
  [0, 1],
  [0, 2],
  [1, 2],
  [0, 3],
  [1, 3],
  [2, 3],
];

export const NB201_BOUNDS: readonly GeneBound[] = Object.freeze(
  EDGES.map(([from, to]) => ({ name: `edge ${from}->${to} op`, low: 0, high: NB201_OPS.length - 1 })),
);

/** Genotype -> "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|...|". */
export function formatCell(g: Genotype): string {
  const parts: string[] = [];
  for (let to = 1; to <= 3; to++) {
    const ops = EDGES.map(([f, t], i) => ({ f, t, i }))
      .filter((e) => e.t === to)
      .map((e) => `${NB201_OPS[g[e.i]!]}~${e.f}`);
    parts.push(`|${ops.join('|')}|`);
  }
  return parts.join('+');
}

function bad(text: string, reason: string): never {
  throw new MstfError('INVALID_GENOTYPE', `cell string "${text}": ${reason}`);
}

/** "|op~0|+|op~0|op~1|+|op~0|op~1|op~2|" -> genotype, refusing anything else with the reason. */
export function parseCell(text: string): Genotype {
  const s = text.trim();
  const nodes = s.split('+');
  if (nodes.length !== 3) bad(s, `expected 3 nodes separated by "+", got ${nodes.length}`);
  const g: number[] = [];
  nodes.forEach((node, n) => {
    const to = n + 1;
    if (!node.startsWith('|') || !node.endsWith('|') || node.length < 2)
      bad(s, `node ${to} "${node}" must look like |op~0|...|`);
    const edges = node.slice(1, -1).split('|');
    if (edges.length !== to) bad(s, `node ${to} must have ${to} input edge${to === 1 ? '' : 's'}, got ${edges.length}`);
    edges.forEach((edge, from) => {
      const m = /^([a-z0-9_]+)~(\d+)$/.exec(edge);
      if (!m) bad(s, `edge "${edge}" must look like op~${from}`);
      const op = NB201_OPS.indexOf(m[1] as Nb201Op);
      if (op < 0) bad(s, `unknown op "${m[1]}" (ops: ${NB201_OPS.join(', ')})`);
      if (Number(m[2]) !== from) bad(s, `edge "${edge}" of node ${to} must come from node ${from}`);
      g.push(op);
    });
  });
  // Cell-string edge order is (0->1), (0->2), (1->2), (0->3), (1->3), (2->3): the same as EDGES.
  return g;
}
