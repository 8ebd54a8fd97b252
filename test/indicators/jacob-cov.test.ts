import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../plugins/engine-tfjs/tf.js';
import { ensureBackend } from '../../plugins/engine-tfjs/backend.js';
import { compileNetwork } from '../../plugins/engine-tfjs/compile.js';
import type { Batch } from '../../core/contracts/dataset.js';
import type { NetworkIR } from '../../core/ir/types.js';
import { slogdet } from '../../core/util/linalg.js';
import { addAgreementsBits, hammingKernel, jacobCov } from '../../plugins/indicators/jacob-cov.js';
import { Rng } from '../../core/util/rng.js';
import { jacobCovV1, jacobianCorrelationScore } from '../../plugins/indicators/jacob-cov-v1.js';
import { denseChain, smallConvNet } from './nets.js';
import { randomBatch } from './reference.js';
import { tfjsEngine } from '../../plugins/engine-tfjs/index.js';

beforeAll(async () => {
  await ensureBackend('cpu');
});

/** input [1,1,3] -> relu -> gap -> dense: the ReLU codes are the signs of the inputs. */
const reluNet: NetworkIR = {
  nodes: [
    { id: 'input', op: 'input', inputs: [], shape: [1, 1, 3] },
    { id: 'relu', op: 'relu', inputs: ['input'] },
    { id: 'gap', op: 'gap', inputs: ['relu'] },
    { id: 'fc', op: 'dense', inputs: ['gap'], units: 2 },
  ],
  output: 'fc',
};

function batchOf(rows: number[][]): Batch {
  return {
    x: Float32Array.from(rows.flat()),
    shape: [rows.length, 1, 1, rows[0]!.length],
    labels: new Int32Array(rows.length),
    labelWidth: 1,
    task: 'multi-class',
    classes: 2,
  };
}

describe('jacob_cov (NASWOT, paper Eq. 3-4)', () => {
  it('codes 101, 110, 001 give K = [[3,1,2],[1,3,0],[2,0,3]], det 12, score ln 12', async () => {
    const net = compileNetwork(reluNet, { seed: 0 });
    const batch = batchOf([
      [0.5, -1, 2],
      [1, 3, -0.2],
      [-1, -2, 0.7],
    ]);
    const v = await jacobCov.score({ net, engine: tfjsEngine, ir: reluNet, batch, seed: 0 }, undefined as never);
    net.dispose();
    expect(v.score).toBeCloseTo(Math.log(12), 12);
    expect(v.details).toMatchObject({ relus: 1, units: 3, duplicateCodes: 0 });
  });

  it('two examples with the same code give -Infinity (singular K), not an error', async () => {
    const net = compileNetwork(reluNet, { seed: 0 });
    const batch = batchOf([
      [0.5, -1, 2],
      [1, 3, -0.2],
      [2, -5, 0.1],
    ]);
    const v = await jacobCov.score({ net, engine: tfjsEngine, ir: reluNet, batch, seed: 0 }, undefined as never);
    net.dispose();
    expect(v.score).toBe(-Infinity);
    expect(v.details).toMatchObject({ duplicateCodes: 1 });
  });

  it('on a conv net equals log|K| built from tapped ReLU outputs by plain Hamming counting', async () => {
    const ir = smallConvNet();
    const batch = randomBatch(6, [8, 8, 2], 3, 9);
    const net = compileNetwork(ir, { seed: 4 });
    const relus = ir.nodes.filter((n) => n.op === 'relu').map((n) => n.id);
    const x = tf.tensor4d(batch.x, batch.shape);
    const out = net.forward(x, { training: true, taps: relus });
    const codes: number[][] = Array.from({ length: 6 }, () => []);
    for (const id of relus) {
      const t = out.taps[id]!;
      const d = t.size / 6;
      const values = t.dataSync();
      for (let i = 0; i < 6; i++) for (let u = 0; u < d; u++) codes[i]!.push(values[i * d + u]! > 0 ? 1 : 0);
    }
    tf.dispose([x, out.output, ...Object.values(out.taps)]);
    const expected = slogdet(hammingKernel(codes)).logAbsDet;
    expect(Number.isFinite(expected)).toBe(true);
    for (const method of ['bits', 'matmul'] as const) {
      const before = tf.memory().numTensors;
      const v = await jacobCov.score({ net, engine: tfjsEngine, ir, batch, seed: 4 }, { method });
      expect(tf.memory().numTensors).toBe(before);
      expect(v.details).toMatchObject({ method });
      expect(v.score).toBeCloseTo(expected, 9);
    }
    net.dispose();
  });

  it('packed-bit agreement counts equal plain counting across word boundaries (45 units)', () => {
    const rng = new Rng(3);
    const n = 5;
    const d = 45;
    const codes = Array.from({ length: n }, () => Array.from({ length: d }, () => (rng.next() < 0.5 ? 1 : 0)));
    const k = new Float64Array(n * n);
    addAgreementsBits(k, codes.flat(), n, d);
    expect([...k]).toEqual([...hammingKernel(codes)]);
  });

  it('codes of special floats follow v > 0: -0, NaN, -Inf, negative denormals inactive; +Inf, denormals active', () => {
    const special = [
      0,
      -0,
      1e-45,
      -1e-45,
      NaN,
      -NaN,
      Infinity,
      -Infinity,
      3.4e38,
      -3.4e38,
      1,
      -1,
      2 ** -126,
      -(2 ** -126),
    ];
    const rng = new Rng(8);
    const n = 4;
    const rows = Array.from({ length: n }, () => rng.shuffle([...special, ...special, ...special]));
    const d = rows[0]!.length; // 42: one full word and a partial one
    const k = new Float64Array(n * n);
    addAgreementsBits(k, Float32Array.from(rows.flat()), n, d);
    expect([...k]).toEqual([...hammingKernel(rows.map((r) => r.map((v) => (v > 0 ? 1 : 0))))]);
  });

  it('on wasm (codes read from the wasm heap) equals plain Hamming counting of the tapped ReLU outputs', async () => {
    await ensureBackend('wasm');
    try {
      const ir = smallConvNet();
      const batch = randomBatch(6, [8, 8, 2], 3, 9);
      const net = compileNetwork(ir, { seed: 4 });
      const relus = ir.nodes.filter((n) => n.op === 'relu').map((n) => n.id);
      const x = tf.tensor4d(batch.x, batch.shape);
      const out = net.forward(x, { training: true, taps: relus });
      const codes: number[][] = Array.from({ length: 6 }, () => []);
      for (const id of relus) {
        const values = out.taps[id]!.dataSync();
        const d = values.length / 6;
        for (let i = 0; i < 6; i++) for (let u = 0; u < d; u++) codes[i]!.push(values[i * d + u]! > 0 ? 1 : 0);
      }
      tf.dispose([x, out.output, ...Object.values(out.taps)]);
      const before = tf.memory().numTensors;
      const v = await jacobCov.score({ net, engine: tfjsEngine, ir, batch, seed: 4 }, { method: 'bits' });
      expect(tf.memory().numTensors).toBe(before);
      net.dispose();
      expect(v.score).toBe(slogdet(hammingKernel(codes)).logAbsDet);
    } finally {
      await ensureBackend('cpu');
    }
  });
});

describe('jacob_cov_v1 (zero-cost-nas Jacobian correlation)', () => {
  const k = 1e-5;

  it('an identity correlation matrix scores -N (ln(1+k) + 1/(1+k)) ~ -N', () => {
    // Zero-mean, mutually orthogonal rows: corrcoef = I_3.
    const s = jacobianCorrelationScore([
      [1, -1, 0, 0],
      [0, 0, 1, -1],
      [1, 1, -1, -1],
    ]);
    expect(s).toBeCloseTo(-3 * (Math.log(1 + k) + 1 / (1 + k)), 10);
    expect(s).toBeCloseTo(-3, 4);
  });

  it('a linear network has the same Jacobian row for every example: eigenvalues N and 0 (N-1 times)', async () => {
    const ir = denseChain([5, 4, 3], { bias: true, relu: false });
    const net = compileNetwork(ir, { seed: 2 });
    const n = 4;
    const batch = randomBatch(n, [1, 1, 5], 3);
    const before = tf.memory().numTensors;
    const v = await jacobCovV1.score({ net, engine: tfjsEngine, ir, batch, seed: 2 }, undefined);
    expect(tf.memory().numTensors).toBe(before);
    net.dispose();
    const expected = -(Math.log(n + k) + 1 / (n + k)) - (n - 1) * (Math.log(k) + 1 / k);
    expect(Math.abs(v.score - expected) / Math.abs(expected)).toBeLessThan(1e-6);
  });

  it('a ReLU net on random inputs gives a finite score below the identity bound -N', async () => {
    const ir = smallConvNet();
    const net = compileNetwork(ir, { seed: 1 });
    const v = await jacobCovV1.score(
      { net, engine: tfjsEngine, ir, batch: randomBatch(5, [8, 8, 2], 3, 3), seed: 1 },
      undefined,
    );
    net.dispose();
    expect(Number.isFinite(v.score)).toBe(true);
    // -(ln v + 1/v) <= -1 for every v > 0, with equality only at v = 1.
    expect(v.score).toBeLessThan(-5 + 1e-9);
  });
});
