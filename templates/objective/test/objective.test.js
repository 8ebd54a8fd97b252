// @ts-check
// Tests of the objective builder __EXTENSION_ID__, run by `npm test` (node --test).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bootTestKernel } from 'mstf-nas/testing';
import plugin, { objective } from '../index.js';

test('hand-computed: a in {1, 3, 2} -> F = -0, -1, -0.5; a missing b is flagged and scored as the worst', () => {
  const pool = [
    { a: 1, b: 10 },
    { a: 3, b: null },
    { a: 2, b: 30 },
  ];
  const r = objective.build(pool, ['a', 'b'], { weights: {} });
  assert.deepEqual(
    r.F.map((row) => row.map((v) => v + 0)),
    [
      [0, 0],
      [-1, 0],
      [-0.5, -1],
    ],
  );
  assert.deepEqual(r.flagged, [[], ['b'], []]);
  assert.deepEqual(r.normalised[2], { a: 0.5, b: 1 });
  assert.equal(objective.nObjectives(['a', 'b']), 2);
  assert.deepEqual(objective.requiredScores(['a', 'b']), ['a', 'b']);
});

test('weights scale an objective; a constant indicator gives 0 for everyone', () => {
  const r = objective.build(
    [
      { a: 1, c: 5 },
      { a: 2, c: 5 },
    ],
    ['a', 'c'],
    { weights: { a: 2 } },
  );
  // (+ 0 turns -0 into 0: deepEqual tells them apart)
  assert.deepEqual(
    r.F[1]?.map((v) => v + 0),
    [-2, 0],
  );
  assert.deepEqual(
    r.F[0]?.map((v) => v + 0),
    [0, 0],
  );
});

test('the kernel loads the plugin with its validated options', async () => {
  const kernel = await bootTestKernel(plugin, {
    config: { options: { objective: { __EXTENSION_ID__: { weights: { synflow: 2 } } } } },
  });
  assert.ok(kernel.registry('objective').has('__EXTENSION_ID__'));
  assert.deepEqual(kernel.optionsOf('objective', '__EXTENSION_ID__'), { weights: { synflow: 2 } });
});
