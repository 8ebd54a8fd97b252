import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../plugins/engine-tfjs/tf.js';
import { ensureBackend } from '../../plugins/engine-tfjs/backend.js';
import { compileNetwork } from '../../plugins/engine-tfjs/compile.js';
import type { Network } from '../../core/contracts/engine.js';
import type { Batch } from '../../core/contracts/dataset.js';
import type { NetworkIR } from '../../core/ir/types.js';
import { gradNorm } from '../../plugins/indicators/grad-norm.js';
import { snip } from '../../plugins/indicators/snip.js';
import { grasp } from '../../plugins/indicators/grasp.js';
import { fisher } from '../../plugins/indicators/fisher.js';
import { denseChain } from './nets.js';
import { addRow, frob, matmul, randomBatch, softmaxRows, sumAbsProd, toMat, transpose, type Mat } from './reference.js';
import { tfjsEngine } from '../../plugins/engine-tfjs/index.js';

beforeAll(async () => {
  await ensureBackend('cpu');
});

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

function read(net: Network, name: string): Mat {
  const t = net.params.get(name)!;
  const [r, c] = t.shape.length === 2 ? (t.shape as [number, number]) : [1, t.shape[0]!];
  return toMat(t.dataSync(), r, c);
}

/** Float64 forward/backward of z = (x W1 + b1) W2 + b2 with mean softmax cross-entropy. */
function twoLayerReference(net: Network, batch: Batch) {
  const n = batch.shape[0];
  const d = batch.shape[3];
  const x = toMat(batch.x, n, d);
  const [w1, w2] = [read(net, 'fc1/weight'), read(net, 'fc2/weight')];
  const [b1, b2] = [read(net, 'fc1/bias')[0]!, read(net, 'fc2/bias')[0]!];
  const h = addRow(matmul(x, w1), b1);
  const z = addRow(matmul(h, w2), b2);
  const p = softmaxRows(z);
  const dz = p.map((row, i) => row.map((v, k) => (v - (batch.labels[i] === k ? 1 : 0)) / n));
  const dw2 = matmul(transpose(h), dz);
  const dh = matmul(dz, transpose(w2));
  const dw1 = matmul(transpose(x), dh);
  return { w1, w2, h, z, dz, dh, dw1, dw2 };
}

const twoLayer: NetworkIR = denseChain([3, 4, 3], { bias: true, relu: false });

describe('grad_norm, snip, fisher on a two-layer linear net (float64 hand computation)', () => {
  const batch = randomBatch(5, [1, 1, 3], 3);

  it('grad_norm = ||dL/dW1||_F + ||dL/dW2||_F', async () => {
    const net = compileNetwork(twoLayer, { seed: 3 });
    const ref = twoLayerReference(net, batch);
    const v = await gradNorm.score({ net, engine: tfjsEngine, ir: twoLayer, batch, seed: 3 }, undefined);
    net.dispose();
    expect(rel(v.score, frob(ref.dw1) + frob(ref.dw2))).toBeLessThan(1e-5);
  });

  it('snip = sum |W1 * dW1| + sum |W2 * dW2|', async () => {
    const net = compileNetwork(twoLayer, { seed: 3 });
    const ref = twoLayerReference(net, batch);
    const v = await snip.score({ net, engine: tfjsEngine, ir: twoLayer, batch, seed: 3 }, undefined);
    net.dispose();
    expect(rel(v.score, sumAbsProd(ref.w1, ref.dw1) + sumAbsProd(ref.w2, ref.dw2))).toBeLessThan(1e-5);
  });

  it('fisher = sum over layers and units of in_features * 0.5 * mean_n (a * dL/da)^2', async () => {
    const net = compileNetwork(twoLayer, { seed: 3 });
    const ref = twoLayerReference(net, batch);
    const v = await fisher.score({ net, engine: tfjsEngine, ir: twoLayer, batch, seed: 3 }, undefined);
    net.dispose();
    const term = (a: Mat, g: Mat) =>
      a[0]!.reduce((s, _, k) => s + 0.5 * (a.reduce((m, row, i) => m + (row[k]! * g[i]![k]!) ** 2, 0) / a.length), 0);
    // zero-cost-nas broadcasts each unit's value over weight.shape[1:] = in_features (3, then 4) before summing.
    expect(rel(v.score, 3 * term(ref.h, ref.dh) + 4 * term(ref.z, ref.dz))).toBeLessThan(1e-5);
  });
});

describe('grasp', () => {
  it('exact H g matches the closed-form softmax cross-entropy Hessian of a linear layer', async () => {
    // z = x W + b, L = mean CE: H g = (1/N) sum_n x_n^T (J_n (x_n G)), J_n = diag(p_n) - p_n p_n^T.
    const ir = denseChain([4, 3], { bias: true, relu: false });
    const batch = randomBatch(6, [1, 1, 4], 3, 5);
    const net = compileNetwork(ir, { seed: 11 });
    const n = 6;
    const x = toMat(batch.x, n, 4);
    const w = read(net, 'fc1/weight');
    const b = read(net, 'fc1/bias')[0]!;
    const p = softmaxRows(addRow(matmul(x, w), b));
    const g = matmul(
      transpose(x),
      p.map((row, i) => row.map((v, k) => (v - (batch.labels[i] === k ? 1 : 0)) / n)),
    );
    const hg = w.map((row) => row.map(() => 0));
    for (let i = 0; i < n; i++) {
      const dz = matmul([x[i]!], g)[0]!;
      const pdz = p[i]!.reduce((s, v, k) => s + v * dz[k]!, 0);
      const jdz = p[i]!.map((v, k) => v * dz[k]! - v * pdz);
      for (let a = 0; a < 4; a++) for (let k = 0; k < 3; k++) hg[a]![k]! += (x[i]![a]! * jdz[k]!) / n;
    }
    const expected = -w.flat().reduce((s, v, i) => s + v * hg.flat()[i]!, 0);
    const v = await grasp.score({ net, engine: tfjsEngine, ir, batch, seed: 11 }, undefined);
    net.dispose();
    expect(Math.abs(expected)).toBeGreaterThan(1e-4);
    expect(rel(v.score, expected)).toBeLessThan(1e-5);
  });
});

describe('gradient indicators leave no tensors behind', () => {
  it('grad_norm, snip, grasp, fisher', async () => {
    const batch = randomBatch(5, [1, 1, 3], 3);
    const net = compileNetwork(twoLayer, { seed: 3 });
    const before = tf.memory().numTensors;
    for (const ind of [gradNorm, snip, grasp, fisher]) {
      await ind.score({ net, engine: tfjsEngine, ir: twoLayer, batch, seed: 3 }, undefined as never);
      expect(tf.memory().numTensors, ind.id).toBe(before);
    }
    net.dispose();
  });
});
