/** compileNetwork: parameters, forward semantics, taps/probes/hooks, batchnorm modes, gradients, save/load. */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../plugins/engine-tfjs/tf.js';
import { compileNetwork } from '../../plugins/engine-tfjs/compile.js';
import { benchmarkNetIR } from '../../core/ir/benchmark-net.js';
import { softmaxCrossEntropy } from '../../plugins/engine-tfjs/losses.js';
import { exactHessianVectorProduct } from '../../plugins/engine-tfjs/second-order.js';
import { SGD, trainStep } from '../../plugins/engine-tfjs/optimizers.js';
import type { NetworkIR } from '../../core/ir/types.js';
import { isMstfError } from '../../core/errors.js';
import { maxAbs, randomArray, relError, useBackend } from './helpers.js';

/** input 4x4x2 -> conv 3x3 same (bias) -> bn -> relu -> gap -> dense 3 */
const smallIR = (): NetworkIR => ({
  nodes: [
    { id: 'in', op: 'input', inputs: [], shape: [4, 4, 2] },
    { id: 'conv', op: 'conv', inputs: ['in'], filters: 3, kernel: [3, 3], stride: 1, padding: 'same', bias: true },
    { id: 'bn', op: 'batchnorm', inputs: ['conv'] },
    { id: 'relu', op: 'relu', inputs: ['bn'] },
    { id: 'gap', op: 'gap', inputs: ['relu'] },
    { id: 'fc', op: 'dense', inputs: ['gap'], units: 3 },
  ],
  output: 'fc',
});

const X_SHAPE: [number, number, number, number] = [5, 4, 4, 2];
const xData = randomArray(5 * 4 * 4 * 2, 77, 2);

beforeAll(async () => {
  await useBackend('wasm');
});

describe('parameters', () => {
  it('names, shapes, trainability and PyTorch-default initialisation', () => {
    const net = compileNetwork(smallIR(), { seed: 3 });
    expect(net.paramInfo.map((p) => [p.name, p.shape, p.trainable])).toEqual([
      ['conv/weight', [3, 3, 2, 3], true],
      ['conv/bias', [3], true],
      ['bn/gamma', [3], true],
      ['bn/beta', [3], true],
      ['bn/runningMean', [3], false],
      ['bn/runningVar', [3], false],
      ['fc/weight', [3, 3], true],
      ['fc/bias', [3], true],
    ]);
    // kaiming_uniform(a=sqrt(5)): U(-1/sqrt(fan_in), 1/sqrt(fan_in)), fan_in = 3*3*2 = 18 for the conv.
    const w = net.params.get('conv/weight')!.dataSync();
    expect(maxAbs(w)).toBeLessThanOrEqual(1 / Math.sqrt(18));
    expect(maxAbs(w)).toBeGreaterThan(0.5 / Math.sqrt(18));
    expect(maxAbs(net.params.get('fc/weight')!.dataSync())).toBeLessThanOrEqual(1 / Math.sqrt(3));
    expect(Array.from(net.params.get('bn/gamma')!.dataSync())).toEqual([1, 1, 1]);
    expect(Array.from(net.params.get('bn/runningVar')!.dataSync())).toEqual([1, 1, 1]);
    expect(Array.from(net.params.get('bn/runningMean')!.dataSync())).toEqual([0, 0, 0]);
    const same = compileNetwork(smallIR(), { seed: 3 });
    const other = compileNetwork(smallIR(), { seed: 4 });
    expect(Array.from(same.params.get('conv/weight')!.dataSync())).toEqual(Array.from(w));
    expect(Array.from(other.params.get('conv/weight')!.dataSync())).not.toEqual(Array.from(w));
    [net, same, other].forEach((n) => {
      n.dispose();
    });
  });

  it('uniform init has the variance of U(-b, b): b^2 / 3', () => {
    const ir: NetworkIR = {
      nodes: [
        { id: 'in', op: 'input', inputs: [], shape: [2, 2, 64] },
        { id: 'c', op: 'conv', inputs: ['in'], filters: 64, kernel: [3, 3], stride: 1, padding: 'same' },
      ],
      output: 'c',
    };
    const net = compileNetwork(ir, { seed: 1 });
    const w = net.params.get('c/weight')!.dataSync() as Float32Array;
    const b = 1 / Math.sqrt(9 * 64);
    const mean = w.reduce((a, v) => a + v, 0) / w.length;
    const variance = w.reduce((a, v) => a + (v - mean) ** 2, 0) / w.length;
    expect(Math.abs(mean)).toBeLessThan(0.02 * b);
    expect(variance / ((b * b) / 3)).toBeGreaterThan(0.97);
    expect(variance / ((b * b) / 3)).toBeLessThan(1.03);
    net.dispose();
  });
});

/** float64 JS forward of smallIR in eval mode with explicit parameters. */
function referenceForward(p: Record<string, Float32Array>, x: Float32Array): number[][] {
  const [n, h, w, ci] = X_SHAPE;
  const co = 3;
  const out: number[][] = [];
  for (let b = 0; b < n; b++) {
    const pooled = new Array(co).fill(0);
    for (let i = 0; i < h; i++) {
      for (let j = 0; j < w; j++) {
        for (let o = 0; o < co; o++) {
          let acc = p['conv/bias']![o]!;
          for (let di = 0; di < 3; di++) {
            for (let dj = 0; dj < 3; dj++) {
              const ii = i + di - 1;
              const jj = j + dj - 1;
              if (ii < 0 || jj < 0 || ii >= h || jj >= w) continue;
              for (let c = 0; c < ci; c++) {
                acc += x[((b * h + ii) * w + jj) * ci + c]! * p['conv/weight']![((di * 3 + dj) * ci + c) * co + o]!;
              }
            }
          }
          const bn =
            ((acc - p['bn/runningMean']![o]!) / Math.sqrt(p['bn/runningVar']![o]! + 1e-5)) * p['bn/gamma']![o]! +
            p['bn/beta']![o]!;
          pooled[o] += Math.max(bn, 0) / (h * w);
        }
      }
    }
    out.push(
      [0, 1, 2].map(
        (u) =>
          p['fc/bias']![u]! +
          pooled.reduce((a: number, v: number, k: number) => a + v * p['fc/weight']![k * 3 + u]!, 0),
      ),
    );
  }
  return out;
}

describe('forward', () => {
  it('eval mode matches a float64 reference with [kh,kw,ci,co] / [in,out] layouts and running statistics', () => {
    const net = compileNetwork(smallIR(), { seed: 5 });
    const values: Record<string, Float32Array> = {};
    const override = new Map<string, tf.Tensor>();
    net.paramInfo.forEach((info, k) => {
      let v = randomArray(
        info.shape.reduce((a, b) => a * b, 1),
        50 + k,
      );
      if (info.role === 'runningVar' || info.role === 'gamma') v = v.map((t) => 1 + 0.5 * t);
      values[info.name] = v;
      override.set(info.name, tf.tensor(v, info.shape));
    });
    const x = tf.tensor4d(xData, X_SHAPE);
    const { output } = net.forward(x, { params: override });
    const ref = referenceForward(values, xData).flat();
    expect(relError(output.dataSync(), ref)).toBeLessThan(1e-5);
    tf.dispose([output, x, ...override.values()]);
    net.dispose();
  });

  it('training mode normalises with batch statistics and updates running stats like PyTorch', () => {
    const ir: NetworkIR = {
      nodes: [
        { id: 'in', op: 'input', inputs: [], shape: [4, 4, 2] },
        { id: 'bn', op: 'batchnorm', inputs: ['in'] },
      ],
      output: 'bn',
    };
    const net = compileNetwork(ir, { seed: 1 });
    const x = tf.tensor4d(xData, X_SHAPE);
    const { output } = net.forward(x, { training: true, updateStats: true });
    const y = output.dataSync();
    const m = xData.length / 2;
    for (let c = 0; c < 2; c++) {
      let mean = 0;
      for (let i = c; i < xData.length; i += 2) mean += xData[i]!;
      mean /= m;
      let ss = 0;
      for (let i = c; i < xData.length; i += 2) ss += (xData[i]! - mean) ** 2;
      const biased = ss / m;
      const unbiased = ss / (m - 1);
      for (let i = c; i < xData.length; i += 2) {
        expect(y[i]!).toBeCloseTo((xData[i]! - mean) / Math.sqrt(biased + 1e-5), 4);
      }
      expect(net.params.get('bn/runningMean')!.dataSync()[c]!).toBeCloseTo(0.1 * mean, 5);
      expect(net.params.get('bn/runningVar')!.dataSync()[c]!).toBeCloseTo(0.9 + 0.1 * unbiased, 5);
    }
    // Without updateStats the running statistics stay.
    const before = Array.from(net.params.get('bn/runningMean')!.dataSync());
    tf.dispose(net.forward(x, { training: true }).output);
    expect(Array.from(net.params.get('bn/runningMean')!.dataSync())).toEqual(before);
    tf.dispose([output, x]);
    net.dispose();
  });

  it('bypassBatchNorm equals the same network without batchnorm nodes', () => {
    const withBn = compileNetwork(smallIR(), { seed: 8 });
    const ir = smallIR();
    ir.nodes = ir.nodes.map((n) => (n.op === 'batchnorm' ? { id: n.id, op: 'identity', inputs: n.inputs } : n));
    const without = compileNetwork(ir, { seed: 8 });
    const x = tf.tensor4d(xData, X_SHAPE);
    const a = withBn.forward(x, { bypassBatchNorm: true, training: true }).output;
    const b = without.forward(x).output;
    expect(relError(a.dataSync(), b.dataSync())).toBeLessThan(1e-6);
    tf.dispose([a, b, x]);
    withBn.dispose();
    without.dispose();
  });

  it('taps return node outputs; hooks rewrite outputs and scale biases', () => {
    const net = compileNetwork(smallIR(), { seed: 9 });
    const x = tf.tensor4d(xData, X_SHAPE);
    const r = net.forward(x, { taps: ['relu', 'gap'] });
    expect(r.taps.relu!.shape).toEqual([5, 4, 4, 3]);
    const gapRef = tf.mean(r.taps.relu!, [1, 2]);
    expect(relError(r.taps.gap!.dataSync(), gapRef.dataSync())).toBeLessThan(1e-5);
    // afterNode x2 on gap doubles fc's matmul part; biasScale 0 removes fc's bias.
    const hooked = net.forward(x, {
      hooks: {
        afterNode: (node, out) => (node.id === 'gap' ? tf.mul(out, 2) : out),
        biasScale: (node) => (node.id === 'fc' ? 0 : 1),
      },
    }).output;
    const expected = tf.matMul(tf.mul(r.taps.gap!, 2), net.params.get('fc/weight')!);
    expect(relError(hooked.dataSync(), expected.dataSync())).toBeLessThan(1e-5);
    tf.dispose([r.output, ...Object.values(r.taps), gapRef, hooked, expected, x]);
    net.dispose();
  });

  it('rejects inputs of the wrong shape and unknown taps with one clear line', () => {
    const net = compileNetwork(smallIR(), { seed: 1 });
    const bad = tf.zeros([2, 5, 4, 2]);
    expect(() => net.forward(bad)).toThrow(/input must have shape \[N, 4, 4, 2\], got \[2, 5, 4, 2\]/);
    const x = tf.tensor4d(xData, X_SHAPE);
    expect(() => net.forward(x, { taps: ['nope'] })).toThrow(/tap "nope" is not a node/);
    tf.dispose([bad, x]);
    net.dispose();
  });
});

describe('gradients', () => {
  it('parameter gradients agree with finite differences; unreached parameters get zeros', () => {
    const net = compileNetwork(smallIR(), { seed: 10 });
    const x = tf.tensor4d(xData, X_SHAPE);
    const labels = tf.tensor1d([0, 1, 2, 1, 0], 'int32');
    const loss = (o: { output: tf.Tensor }) => softmaxCrossEntropy(o.output, labels);
    const g = net.gradients(loss, x, { training: true });
    expect(g.value).toBeGreaterThan(0);
    const w = net.params.get('fc/weight')!;
    const base = w.dataSync().slice();
    const gw = g.params.get('fc/weight')!.dataSync();
    const eps = 1e-2;
    for (const index of [0, 4, 8]) {
      const at = (delta: number): number => {
        const v = base.slice();
        v[index]! += delta;
        const t = tf.tensor(v, w.shape);
        const out = net.forward(x, { training: true, params: new Map([['fc/weight', t]]) }).output;
        const l = softmaxCrossEntropy(out, labels).dataSync()[0]!;
        tf.dispose([t, out]);
        return l;
      };
      expect(Math.abs((at(eps) - at(-eps)) / (2 * eps) - gw[index]!) / maxAbs(gw)).toBeLessThan(1e-3);
    }
    const bypass = net.gradients(loss, x, { bypassBatchNorm: true, wrtParams: ['bn/gamma', 'conv/weight'] });
    expect(Array.from(bypass.params.get('bn/gamma')!.dataSync())).toEqual([0, 0, 0]);
    expect(maxAbs(bypass.params.get('conv/weight')!.dataSync())).toBeGreaterThan(0);
    tf.dispose([...g.params.values(), ...bypass.params.values(), x, labels]);
    net.dispose();
  });

  it('the gradient w.r.t. a zero probe on the input node equals the input gradient', () => {
    const net = compileNetwork(smallIR(), { seed: 11 });
    const x = tf.tensor4d(xData, X_SHAPE);
    const g = net.gradients((o) => tf.sum(tf.square(o.output)), x, {
      training: true,
      wrtInput: true,
      wrtProbes: ['in', 'relu'],
      wrtParams: [],
      taps: ['relu'],
    });
    expect(relError(g.probes.in!.dataSync(), g.input!.dataSync())).toBeLessThan(1e-6);
    expect(g.probes.relu!.shape).toEqual([5, 4, 4, 3]);
    expect(g.taps.relu!.shape).toEqual([5, 4, 4, 3]);
    tf.dispose([g.input!, ...Object.values(g.probes), ...Object.values(g.taps), x]);
    net.dispose();
  });

  it('exactHessianVectorProduct equals the exact H v of a quadratic loss', () => {
    // in 2x2x3 -> gap -> dense 2 (no bias); loss = 0.5 * sum(out^2): H v (for W) = G^T (G V), G = gap output.
    const ir: NetworkIR = {
      nodes: [
        { id: 'in', op: 'input', inputs: [], shape: [2, 2, 3] },
        { id: 'gap', op: 'gap', inputs: ['in'] },
        { id: 'fc', op: 'dense', inputs: ['gap'], units: 2, bias: false },
      ],
      output: 'fc',
    };
    const net = compileNetwork(ir, { seed: 2 });
    const xs = randomArray(4 * 2 * 2 * 3, 21);
    const x = tf.tensor4d(xs, [4, 2, 2, 3]);
    const vData = randomArray(6, 22);
    const v = new Map([['fc/weight', tf.tensor2d(vData, [3, 2])]]);
    const hv = exactHessianVectorProduct(net, (o) => tf.mul(tf.sum(tf.square(o.output)), 0.5), x, v).hv.get(
      'fc/weight',
    )!;
    const gRows: number[][] = [0, 1, 2, 3].map((b) =>
      [0, 1, 2].map((c) => (xs[b * 12 + c]! + xs[b * 12 + 3 + c]! + xs[b * 12 + 6 + c]! + xs[b * 12 + 9 + c]!) / 4),
    );
    const ref: number[] = [];
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 2; j++) {
        let s = 0;
        for (const row of gRows)
          s += row[i]! * (row[0]! * vData[j]! + row[1]! * vData[2 + j]! + row[2]! * vData[4 + j]!);
        ref.push(s);
      }
    }
    expect(relError(hv.dataSync(), ref)).toBeLessThan(1e-3);
    tf.dispose([hv, x, ...v.values()]);
    net.dispose();
  });
});

describe('save / load / dispose / memory', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mstf-engine-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('round-trips every parameter through tfjs weights files; a mismatched network is refused untouched', async () => {
    const a = compileNetwork(smallIR(), { seed: 1 });
    const b = compileNetwork(smallIR(), { seed: 2 });
    await a.save(dir);
    await b.load(dir);
    for (const p of a.paramInfo) {
      expect(Array.from(b.params.get(p.name)!.dataSync())).toEqual(Array.from(a.params.get(p.name)!.dataSync()));
    }
    const ir = smallIR();
    (ir.nodes[1] as { filters: number }).filters = 4;
    const c = compileNetwork(ir, { seed: 3 });
    const before = Array.from(c.params.get('bn/gamma')!.dataSync());
    const err = await c.load(dir).catch((e: unknown) => e);
    expect(isMstfError(err) && err.code).toBe('DATA_CORRUPT');
    expect((err as Error).message).toMatch(/conv\/weight" has shape \[3,3,2,3\], the network needs \[3,3,2,4\]/);
    expect(Array.from(c.params.get('bn/gamma')!.dataSync())).toEqual(before);
    [a, b, c].forEach((n) => {
      n.dispose();
    });
  });

  it('dispose frees every parameter tensor', () => {
    const before = tf.memory().numTensors;
    const net = compileNetwork(benchmarkNetIR({ channels: 4, size: 8 }), { seed: 1 });
    expect(tf.memory().numTensors).toBe(before + net.paramInfo.length);
    net.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('200 forward+backward training steps leave tf.memory().numTensors unchanged', () => {
    const net = compileNetwork(benchmarkNetIR({ channels: 4, size: 8, classes: 3 }), { seed: 1 });
    const x = tf.tensor4d(randomArray(4 * 8 * 8, 3), [4, 8, 8, 1]);
    const labels = tf.tensor1d([0, 1, 2, 0], 'int32');
    const opt = new SGD(net, { lr: 0.01, momentum: 0.9 });
    const loss = (o: { output: tf.Tensor }) => softmaxCrossEntropy(o.output, labels);
    trainStep(net, opt, x, loss); // creates the momentum buffers
    const before = tf.memory().numTensors;
    for (let i = 0; i < 200; i++) trainStep(net, opt, x, loss);
    expect(tf.memory().numTensors).toBe(before);
    opt.dispose();
    tf.dispose([x, labels]);
    net.dispose();
  });
});
