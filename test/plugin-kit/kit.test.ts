import { describe, expect, it } from 'vitest';
import { z as zod } from 'zod';
import * as kit from '../../core/index.js';
import {
  completeSpace,
  defineIndicator,
  defineObjective,
  defineSearchSpace,
  dependsOnInput,
  IRBuilder,
  Rng,
} from '../../core/index.js';
import { bootTestKernel, randomBatch, scoreIndicator, tinyNetwork } from '../../testing/index.js';

/** input -> conv c -> add(zero(c), dead ? zero(c) : conv c2(c)) -> gap -> dense. */
function twoBranch(dead: boolean) {
  const b = new IRBuilder();
  const x = b.input('in', [6, 6, 2]);
  const c = b.conv('c', x, { filters: 3, kernel: 1, stride: 1, padding: 'same' });
  const z0 = b.zero('z', c);
  const other = dead ? b.zero('z2', c) : b.conv('c2', c, { filters: 3, kernel: 1, stride: 1, padding: 'same' });
  const sum = b.add('sum', [z0, other]);
  return b.build(b.dense('fc', b.gap('gap', sum), 2, true));
}

describe('plugin kit (public entry point)', () => {
  it('re-exports mstf’s own zod, the contracts’ helpers and the IR builder', () => {
    expect(kit.z).toBe(zod);
    for (const name of ['definePlugin', 'IRBuilder', 'MstfError', 'checkGenes', 'canonicalHash', 'networkCost']) {
      expect(typeof (kit as Record<string, unknown>)[name], name).toBe('function');
    }
  });

  it('dependsOnInput: false exactly when every path from the input passes a zero op', () => {
    expect(dependsOnInput(twoBranch(false))).toBe(true);
    expect(dependsOnInput(twoBranch(true))).toBe(false);
    expect(dependsOnInput(tinyNetwork())).toBe(true);
  });

  it('defineSearchSpace: an author writes bounds + decode; the other eight members are filled in', () => {
    const space = defineSearchSpace({
      id: 'two',
      description: 'dead second branch when gene 0 is 1',
      create: () => ({
        bounds: [
          { name: 'dead', low: 0, high: 1 },
          { name: 'unused', low: 0, high: 2 },
        ],
        decode: (g) => twoBranch(g[0] === 1),
      }),
    });
    expect(space.kind).toBe('searchSpace');
    const s = space.create({ inputShape: [6, 6, 2], classes: 2 }, undefined);
    expect(Object.keys(s).sort()).toEqual(
      [
        'bounds',
        'decode',
        'describe',
        'draw',
        'format',
        'hash',
        'isDegenerate',
        'parse',
        'sample',
        'spaceId',
        'validate',
      ].sort(),
    );
    expect(s.spaceId).toBe('two');
    expect(s.parse('1, 2')).toEqual([1, 2]);
    expect(s.format([1, 2])).toBe('1,2');
    expect(() => s.parse('1,3')).toThrow('gene 1 (unused) = 3 is out of range 0..2');
    expect(() => s.validate([0])).toThrow('genotype has 1 gene, the two space needs 2');
    expect(s.isDegenerate([1, 0])).toBe(true);
    expect(s.isDegenerate([0, 0])).toBe(false);
    // The unused gene does not change the network: same hash; the branch does.
    expect(s.hash([0, 0])).toBe(s.hash([0, 2]));
    expect(s.hash([0, 0])).not.toBe(s.hash([1, 0]));
    // conv c: 1*1*2*3 = 6, conv c2: 1*1*3*3 = 9 (convs have no bias unless asked), dense 3*2 + 2 = 8 -> 23.
    expect(s.describe([0, 0])).toMatch(/^two 0,0: \d+ FLOPs, 23 parameters$/);
    const rng = new Rng(5);
    for (let i = 0; i < 10; i++) s.validate(s.sample(rng));
    expect(s.draw([0, 0])).toMatch(/<svg[\s\S]*c2: conv 1x1, 3, \/1[\s\S]*<\/svg>/);

    const custom = completeSpace('c', { bounds: [], decode: () => tinyNetwork(), format: () => 'x' });
    expect(custom.format([])).toBe('x');
    expect(custom.describe([])).toMatch(/^c x: /);
  });

  it('defineIndicator and defineObjective fill needs and the objective counts', async () => {
    const ind = defineIndicator({ id: 'n', description: 'd', score: () => ({ score: 1 }) });
    expect(ind.needs).toEqual({ data: false, labels: false, backward: false });
    expect(
      defineIndicator({ id: 'n', description: 'd', needs: { data: true }, score: () => ({ score: 1 }) }).needs,
    ).toEqual({
      data: true,
      labels: false,
      backward: false,
    });
    const obj = defineObjective({ id: 'o', description: 'd', build: () => ({ F: [], flagged: [], normalised: [] }) });
    expect(obj.nObjectives(['a', 'b'])).toBe(2);
    expect(obj.requiredScores(['a', 'b'])).toEqual(['a', 'b']);
  });

  it('mstf-nas/testing scores a registered indicator on the tiny network as the runner does', async () => {
    const kernel = await bootTestKernel();
    // params is data-free and reads only the IR: conv 3*3*3*4 = 108, bn 2*4, dense 4*2 + 2 -> 126.
    expect((await scoreIndicator(kernel, 'params')).score).toBe(126);
    // grad_norm reads a labelled batch: the helper draws one shaped like the network's input.
    const g = await scoreIndicator(kernel, 'grad_norm', { batch: randomBatch({ n: 3, seed: 2 }) });
    expect(g.score).toBeGreaterThan(0);
    expect(g.details.finite).toBe(true);
    const b = randomBatch({ n: 3, seed: 2 });
    expect(b.shape).toEqual([3, 8, 8, 3]);
    expect(Array.from(b.labels).every((l) => l === 0 || l === 1)).toBe(true);
  });
});
