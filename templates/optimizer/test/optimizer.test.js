// @ts-check
// Tests of the optimizer __EXTENSION_ID__, run by `npm test` (node --test).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bootTestKernel } from 'mstf-nas/testing';
import plugin, { optimizer, survive } from '../index.js';

test('hand-computed survival: feasible first, then fewest dominators, then smallest sum', () => {
  const A = { x: [0], F: [1, 1] };
  const B = { x: [1], F: [2, 0] };
  const C = { x: [2], F: [2, 2] }; // dominated by A
  const D = { x: [3], F: [0, 0], violation: 1 }; // best objectives, but infeasible
  assert.deepEqual(survive([C, D, B, A], 2), [B, A]); // both on the first front, sum 2: pool order
  assert.deepEqual(survive([C, D, B, A], 3), [B, A, C]);
  assert.deepEqual(survive([C, D, B, A], 4), [B, A, C, D]);
});

/** Minimise the sum of 6 genes in 0..9 (optimum 0). */
const problem = {
  bounds: Array.from({ length: 6 }, (_, i) => ({ name: `g${i}`, low: 0, high: 9 })),
  nObjectives: 1,
  sample: (/** @type {import('mstf-nas').Rng} */ rng) => Array.from({ length: 6 }, () => rng.int(0, 9)),
};
const evaluate = (/** @type {number[][]} */ xs) => xs.map((x) => ({ x, F: [x.reduce((a, b) => a + b, 0)] }));
const options = { population: 8, offspring: 8 };

/** @param {any} opt */
function step(opt) {
  const asked = opt.ask();
  opt.tell([...opt.population(), ...evaluate(asked)]);
  return asked;
}

test('ask/tell improves a toy problem, is reproducible from the seed and resumes from state()', () => {
  const opt = optimizer.create(problem, options, 7);
  for (let g = 0; g < 3; g++) step(opt);
  const early = Math.min(...opt.population().map((m) => m.F[0] ?? Infinity));
  const checkpoint = JSON.parse(JSON.stringify(opt.state()));
  for (let g = 0; g < 20; g++) step(opt);
  const late = Math.min(...opt.population().map((m) => m.F[0] ?? Infinity));
  assert.equal(opt.generation(), 23);
  assert.ok(late < early, `best sum ${late} after 23 generations, ${early} after 3`);

  const again = optimizer.create(problem, options, 7);
  for (let g = 0; g < 3; g++) step(again);
  assert.deepEqual(again.state(), checkpoint);
  const resumed = optimizer.create(problem, options, 999);
  resumed.restore(checkpoint);
  assert.deepEqual(step(resumed), step(again));
});

test('the kernel loads the plugin with its options defaults', async () => {
  const kernel = await bootTestKernel(plugin);
  assert.ok(kernel.registry('optimizer').has('__EXTENSION_ID__'));
  assert.deepEqual(kernel.optionsOf('optimizer', '__EXTENSION_ID__'), { population: 20, offspring: 20 });
});
