// @ts-check
// Tests of __EXTENSION_ID__, run by `npm test` (node --test): a hand-computed case, then the real kernel.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bootTestKernel, scoreIndicator, tinyNetwork } from 'mstf-nas/testing';
import plugin, { indicator } from '../index.js';

/** A stand-in for a compiled network: named parameters whose values are given by hand. */
function fakeNet(/** @type {Record<string, [string, number[]]>} */ params) {
  const paramInfo = Object.entries(params).map(([name, [role, values]]) => ({
    name,
    node: name.split('/')[0] ?? name,
    layer: /** @type {const} */ ('conv'),
    role: /** @type {any} */ (role),
    shape: [values.length],
    trainable: role === 'weight' || role === 'bias' || role === 'gamma' || role === 'beta',
  }));
  const values = new Map(
    Object.entries(params).map(([name, [, v]]) => [name, { dataSync: () => Float32Array.from(v) }]),
  );
  return /** @type {any} */ ({ paramInfo, params: values });
}

test('hand-computed: ln(|1| + |-2| + |0.5| + |-0.5|) = ln 4; biases only with includeBias', async () => {
  const net = fakeNet({
    'c/weight': ['weight', [1, -2, 0.5]],
    'c/bias': ['bias', [3]],
    'bn/gamma': ['gamma', [10]],
    'fc/weight': ['weight', [-0.5]],
  });
  const ctx = { net, ir: tinyNetwork(), seed: 0 };
  const plain = await indicator.score(ctx, { includeBias: false });
  assert.equal(plain.score, Math.log(4));
  assert.deepEqual(plain.details, { l1: 4, weights: 4, tensors: 2 });
  const withBias = await indicator.score(ctx, { includeBias: true });
  assert.equal(withBias.score, Math.log(7));
});

test('no weights: -Infinity (recorded as non-finite by mstf, not thrown)', async () => {
  const out = await indicator.score({ net: fakeNet({}), ir: tinyNetwork(), seed: 0 }, { includeBias: false });
  assert.equal(out.score, Number.NEGATIVE_INFINITY);
});

test('the kernel loads the plugin and scores the tiny network near the analytic expectation', async () => {
  const kernel = await bootTestKernel(plugin);
  assert.ok(kernel.plugins.some((p) => p.name === plugin.name));
  assert.ok(kernel.registry('indicator').has('__EXTENSION_ID__'));
  const { score, details } = await scoreIndicator(kernel, '__EXTENSION_ID__', { seed: 0 });
  // tinyNetwork(): conv 3x3x3x4 (108 weights, fan-in 27) and dense 4x2 (8 weights, fan-in 4), initialised
  // U(-b, b) with b = 1/sqrt(fan-in) (PyTorch's default), so E|w| = b/2 and E[sum |w|] = 108/(2 sqrt 27) + 8/(2 sqrt 4)
  // = 12.39, standard deviation sqrt(108 (b1^2/12) + 8 (b2^2/12)) = 0.71.
  assert.equal(details.weights, 116);
  const expected = 108 / (2 * Math.sqrt(27)) + 8 / (2 * Math.sqrt(4));
  assert.ok(Math.abs(/** @type {number} */ (details.l1) - expected) < 4 * 0.71, `l1 ${details.l1} vs ${expected}`);
  assert.ok(Math.abs(score - Math.log(/** @type {number} */ (details.l1))) < 1e-12);
  // Same seed, same network: the same score.
  const again = await scoreIndicator(kernel, '__EXTENSION_ID__', { seed: 0 });
  assert.equal(again.score, score);
});
