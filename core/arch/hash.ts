/**
 * Canonical hash of a NetworkIR: equal for two IRs that compute the same network with the same cost,
 * whatever their node ids, node order, labels and groups. Used for duplicate elimination.
 *
 * Each node gets a structural hash from its op, its computation-relevant attributes and the structural
 * hashes of its inputs. Exact, cost-preserving rewrites are applied on the way:
 * - `identity` is transparent (it has no cost and returns its input);
 * - `zero` depends only on its output shape, not on what its input was;
 * - `add` ignores `zero` terms (x + 0 = x); an add of one term is that term, of only zeros a zero;
 * - `concat` and `add` inputs are a multiset (sorted): a channel permutation before a 1x1 conv or an
 *   element-wise op is the same network up to a permutation of randomly initialised weights.
 * Everything else (kernel, stride, padding, dilation, filters, bias, affine...) is part of the hash.
 *
 * `functionalHash` is that structural hash of the output: equal for networks that compute the same function,
 * even when one has a dead branch (a subgraph whose only consumers are `zero` ops) that the other lacks.
 * `canonicalHash` adds the FLOPs and parameter count, so networks that differ in cost (an objective of the
 * search) never collide: same hash <=> same function and same cost.
 */
import { createHash } from 'node:crypto';
import { inferShapes } from '../ir/shapes.js';
import { networkCost } from '../ir/cost.js';
import type { IRNode, NetworkIR } from '../ir/types.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** The attributes that change the computation, in a fixed key order. */
function attributes(node: IRNode): Record<string, unknown> {
  const { id: _id, inputs: _inputs, group: _group, label: _label, op: _op, ...rest } = node;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(rest).sort()) {
    const value = (rest as Record<string, unknown>)[key];
    if (value !== undefined) sorted[key] = value;
  }
  return sorted;
}

interface Canon {
  hash: string;
  isZero: boolean;
}

export function functionalHash(ir: NetworkIR): string {
  const shapes = inferShapes(ir); // validates the graph first; zero's hash needs its output shape
  const canon = new Map<string, Canon>();
  for (const node of ir.nodes) {
    const ins = node.inputs.map((id) => canon.get(id)!);
    let result: Canon;
    switch (node.op) {
      case 'identity':
        result = ins[0]!;
        break;
      case 'zero':
        result = { hash: sha256(`zero${JSON.stringify(shapes.get(node.id))}`), isZero: true };
        break;
      case 'add': {
        const terms = ins.filter((c) => !c.isZero);
        if (terms.length === 0) result = { hash: sha256(`zero${JSON.stringify(shapes.get(node.id))}`), isZero: true };
        else if (terms.length === 1) result = terms[0]!;
        else
          result = {
            hash: sha256(
              `add(${terms
                .map((t) => t.hash)
                .sort()
                .join(',')})`,
            ),
            isZero: false,
          };
        break;
      }
      case 'concat':
        result = {
          hash: sha256(
            `concat(${ins
              .map((t) => t.hash)
              .sort()
              .join(',')})`,
          ),
          isZero: false,
        };
        break;
      default:
        result = {
          hash: sha256(`${node.op}${JSON.stringify(attributes(node))}(${ins.map((t) => t.hash).join(',')})`),
          isZero: false,
        };
    }
    canon.set(node.id, result);
  }
  return canon.get(ir.output)!.hash;
}

/** Same hash <=> same function (up to the rewrites above) and same FLOPs and parameter count. */
export function canonicalHash(ir: NetworkIR): string {
  const { flops, params } = networkCost(ir);
  return sha256(`${functionalHash(ir)}|flops=${flops}|params=${params}`);
}

/**
 * True when the network's output does not depend on its input: every path from the input to the output
 * passes through a `zero` node. Such a network computes a constant (at initialisation exactly 0 before the
 * biases), so it is infeasible for the search.
 */
export function ignoresInput(ir: NetworkIR): boolean {
  const depends = new Map<string, boolean>();
  for (const node of ir.nodes) {
    depends.set(
      node.id,
      node.op === 'input' || (node.op !== 'zero' && node.inputs.some((id) => depends.get(id) === true)),
    );
  }
  return depends.get(ir.output) !== true;
}
