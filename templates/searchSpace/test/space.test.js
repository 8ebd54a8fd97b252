// @ts-check
// Tests of the search space __EXTENSION_ID__, run by `npm test` (node --test).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { networkCost, Rng } from 'mstf-nas';
import { bootTestKernel } from 'mstf-nas/testing';
import plugin, { space } from '../index.js';

const options = { maxDepth: 4, downsample: true };
const ctx = { inputShape: /** @type {[number, number, number]} */ ([28, 28, 1]), classes: 2 };

test('hand-computed: genotype 1,1,0,2,1,... is two blocks (16 ch 3x3, then 32 ch 5x5 stride 2)', () => {
  const s = space.create(ctx, options);
  assert.equal(s.bounds.length, 1 + 2 * 4);
  const g = s.parse('1, 1,0, 2,1, 0,0, 0,0');
  const ir = s.decode(g);
  const convs = ir.nodes.filter((n) => n.op === 'conv');
  assert.deepEqual(
    convs.map((n) => (n.op === 'conv' ? [n.filters, n.kernel[0], n.stride] : [])),
    [
      [16, 3, 1],
      [32, 5, 2],
    ],
  );
  // Parameters: conv 3*3*1*16 + bn 2*16 + conv 5*5*16*32 + bn 2*32 + dense 32*2 + 2.
  assert.equal(networkCost(ir).params, 144 + 32 + 12800 + 64 + 64 + 2);
});

test('the kit defaults: format/parse round trip, validation names the gene, same genes same hash', () => {
  const s = space.create(ctx, options);
  const rng = new Rng(1);
  for (let i = 0; i < 20; i++) {
    const g = s.sample(rng);
    s.validate(g);
    assert.deepEqual(s.parse(s.format(g)), g);
    assert.equal(s.hash(g), s.hash([...g]));
    assert.equal(s.isDegenerate(g), false);
  }
  assert.throws(() => s.validate([9, 0, 0, 0, 0, 0, 0, 0, 0]), /gene 0 \(depth - 1\) = 9 is out of range 0\.\.3/);
  // Genes of unused blocks do not change the network: same hash.
  assert.equal(s.hash([0, 1, 1, 0, 0, 0, 0, 0, 0]), s.hash([0, 1, 1, 2, 1, 2, 1, 2, 1]));
  assert.match(s.draw([1, 0, 0, 0, 0, 0, 0, 0, 0]), /<svg[\s\S]*b1_conv: conv 3x3, 8, \/2[\s\S]*<\/svg>/);
});

test('the kernel loads the plugin and validates the options', async () => {
  const kernel = await bootTestKernel(plugin);
  assert.ok(kernel.registry('searchSpace').has('__EXTENSION_ID__'));
  assert.deepEqual(kernel.optionsOf('searchSpace', '__EXTENSION_ID__'), { maxDepth: 4, downsample: true });
  await assert.rejects(
    bootTestKernel(plugin, { config: { options: { searchSpace: { __EXTENSION_ID__: { maxDepth: 0 } } } } }),
    /invalid options for searchSpace "__EXTENSION_ID__"/,
  );
});
