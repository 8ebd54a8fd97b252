/**
 * grasp and fisher against independent references, on networks with ReLU, train-mode batchnorm, depthwise
 * (dilated too), max/avg pooling, concat, add, zero and identity, on the wasm backend with the project's
 * training kernels:
 * - a PyTorch port of zero-cost-nas's measures (torch_reference.py), float64, same weights and batch;
 * - the exact Hessian-vector product vs PyTorch's float64 double backward, parameter by parameter;
 * - fisher by hand (float64 JavaScript) on a conv - batchnorm (train) - ReLU - GAP - linear network.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../plugins/engine-tfjs/tf.js';
import { ensureBackend } from '../../plugins/engine-tfjs/backend.js';
import { compileNetwork } from '../../plugins/engine-tfjs/compile.js';
import { exactHessianVectorProduct } from '../../plugins/engine-tfjs/second-order.js';
import type { Network } from '../../core/contracts/engine.js';
import type { NetworkIR } from '../../core/ir/types.js';
import type { Batch } from '../../core/contracts/dataset.js';
import { decodeNb201 } from '../../plugins/space-nb201/decode.js';
import { parseCell } from '../../plugins/space-nb201/cell.js';
import { grasp } from '../../plugins/indicators/grasp.js';
import { fisher } from '../../plugins/indicators/fisher.js';
import { layerWeights } from '../../plugins/indicators/common.js';
import { withLabelledBatch } from '../../plugins/indicators/loss.js';
import { smallConvNet } from './nets.js';
import { randomBatch } from './reference.js';
import { torchReference, type TorchReference } from './torch.js';
import { tfjsEngine } from '../../plugins/engine-tfjs/index.js';

beforeAll(async () => {
  await ensureBackend('wasm');
});

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

/** ||a - b|| / ||b|| over one flattened tensor. */
function relNorm(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < b.length; i++) {
    num += (a[i]! - b[i]!) ** 2;
    den += b[i]! ** 2;
  }
  return Math.sqrt(num / den);
}

interface Case {
  label: string;
  ir: NetworkIR;
  batch: Batch;
  seed: number;
}

const cases: Case[] = [
  // conv+bias, BN, ReLU, depthwise, dilated depthwise, 3x1 conv, zero, identity, add, max/avg pool 'same', concat, dense
  { label: 'small conv net', ir: smallConvNet(), batch: randomBatch(6, [8, 8, 2], 3, 2), seed: 3 },
  {
    // NB201 skeleton (stem, cells with ReLU-conv-BN / avg pool 3x3 / skip / none, ResNet blocks, BN-ReLU head)
    label: 'NAS-Bench-201 network (C = 4, 1 cell per stage)',
    ir: decodeNb201(
      parseCell('|nor_conv_3x3~0|+|nor_conv_1x1~0|avg_pool_3x3~1|+|skip_connect~0|none~1|nor_conv_3x3~2|'),
      { inputShape: [12, 12, 3], classes: 5 } as never,
      { channels: 4, cellsPerStage: 1 },
    ),
    batch: randomBatch(8, [12, 12, 3], 5, 4),
    seed: 5,
  },
];

describe.each(cases)('grasp and fisher vs a float64 PyTorch port of zero-cost-nas: $label', ({ ir, batch, seed }) => {
  let net: Network;
  let ref: TorchReference;
  beforeAll(() => {
    net = compileNetwork(ir, { seed });
    ref = torchReference(ir, net, batch, 'float64');
  });

  it('the port sees the same network: loss and dL/dW agree to float32 rounding', () => {
    const names = layerWeights(net).map((p) => p.name);
    withLabelledBatch(tfjsEngine, batch, (x, loss) => {
      const g = net.gradients(loss, x, { training: true, updateStats: false, wrtParams: names });
      expect(rel(g.value, ref.loss)).toBeLessThan(1e-6);
      for (const n of names) expect(relNorm(g.params.get(n)!.dataSync(), ref.grad[n]!), n).toBeLessThan(1e-5);
      tf.dispose([...g.params.values()]);
    });
  });

  it('exact H g equals the float64 double backward, parameter by parameter', () => {
    const names = layerWeights(net).map((p) => p.name);
    const before = tf.memory().numTensors;
    withLabelledBatch(
      tfjsEngine,
      batch,
      (x, loss) => {
        const g = net.gradients(loss, x, { training: true, updateStats: false, wrtParams: names });
        const { hv } = exactHessianVectorProduct(net, loss, x, g.params, { training: true });
        for (const n of names) {
          expect(Math.hypot(...ref.hv[n]!), n).toBeGreaterThan(1e-3);
          expect(relNorm(hv.get(n)!.dataSync(), ref.hv[n]!), n).toBeLessThan(1e-5);
        }
        tf.dispose([...hv.values(), ...g.params.values()]);
      },
      { twice: true },
    );
    expect(tf.memory().numTensors).toBe(before);
  });

  it('grasp = sum -W * H g as the reference computes it', async () => {
    const before = tf.memory().numTensors;
    const v = await grasp.score({ net, engine: tfjsEngine, ir, batch, seed }, undefined);
    expect(tf.memory().numTensors).toBe(before);
    expect(Math.abs(ref.grasp)).toBeGreaterThan(1e-3);
    expect(rel(v.score, ref.grasp)).toBeLessThan(1e-5);
  });

  it('fisher: train-mode batchnorm, per-channel values broadcast over weight.shape[1:]', async () => {
    const v = await fisher.score({ net, engine: tfjsEngine, ir, batch, seed }, undefined);
    expect(ref.fisher).toBeGreaterThan(0);
    expect(rel(v.score, ref.fisher)).toBeLessThan(1e-5);
  });
});

describe('fisher by hand with batchnorm in train mode', () => {
  it('conv 1x1 (2 -> 2, bias) - BN (batch statistics) - ReLU - GAP - linear (2 -> 2)', async () => {
    const ir: NetworkIR = {
      nodes: [
        { id: 'input', op: 'input', inputs: [], shape: [1, 2, 2] },
        { id: 'c', op: 'conv', inputs: ['input'], filters: 2, kernel: [1, 1], stride: 1, padding: 'valid', bias: true },
        { id: 'bn', op: 'batchnorm', inputs: ['c'] },
        { id: 'r', op: 'relu', inputs: ['bn'] },
        { id: 'gap', op: 'gap', inputs: ['r'] },
        { id: 'fc', op: 'dense', inputs: ['gap'], units: 2, bias: true },
      ],
      output: 'fc',
    };
    const N = 4;
    const batch = randomBatch(N, [1, 2, 2], 2, 7);
    const net = compileNetwork(ir, { seed: 9 });
    const p = (name: string) => Array.from(net.params.get(name)!.dataSync());
    const [W, b, V, d] = [p('c/weight'), p('c/bias'), p('fc/weight'), p('fc/bias')]; // W [1,1,ci,co], V [in,out]
    const [gamma, beta] = [p('bn/gamma'), p('bn/beta')];
    const x = (n: number, px: number, c: number) => batch.x[(n * 2 + px) * 2 + c]!;
    // forward
    const a = [...Array(N)].map((_, n) =>
      [0, 1].map((px) => [0, 1].map((k) => x(n, px, 0) * W[k]! + x(n, px, 1) * W[2 + k]! + b[k]!)),
    );
    const m = N * 2;
    const mu = [0, 1].map((k) => a.flat().reduce((s, v) => s + v[k]!, 0) / m);
    const rstd = [0, 1].map((k) => 1 / Math.sqrt(a.flat().reduce((s, v) => s + (v[k]! - mu[k]!) ** 2, 0) / m + 1e-5));
    const xh = a.map((r) => r.map((v) => v.map((u, k) => (u - mu[k]!) * rstd[k]!)));
    const y = xh.map((r) => r.map((v) => v.map((u, k) => u * gamma[k]! + beta[k]!)));
    const h = y.map((r) => [0, 1].map((k) => (Math.max(r[0]![k]!, 0) + Math.max(r[1]![k]!, 0)) / 2));
    const z = h.map((hn) => [0, 1].map((j) => hn[0]! * V[j]! + hn[1]! * V[2 + j]! + d[j]!));
    // backward of the mean cross-entropy
    const dz = z.map((zn, n) => {
      const e = zn.map((v) => Math.exp(v - Math.max(...zn)));
      const s = e[0]! + e[1]!;
      return e.map((v, j) => (v / s - (batch.labels[n] === j ? 1 : 0)) / N);
    });
    const dh = dz.map((g) => [0, 1].map((k) => g[0]! * V[k * 2]! + g[1]! * V[k * 2 + 1]!));
    const dy = y.map((r, n) => r.map((v) => v.map((u, k) => (u > 0 ? dh[n]![k]! / 2 : 0))));
    const dxh = dy.map((r) => r.map((v) => v.map((u, k) => u * gamma[k]!)));
    const meanD = [0, 1].map((k) => dxh.flat().reduce((s, v) => s + v[k]!, 0) / m);
    const meanDX = [0, 1].map((k) => dxh.flat().reduce((s, v, i) => s + v[k]! * xh.flat()[i]![k]!, 0) / m);
    const da = dxh.map((r, n) =>
      r.map((v, px) => v.map((u, k) => rstd[k]! * (u - meanD[k]! - xh[n]![px]![k]! * meanDX[k]!))),
    );
    // fisher: per channel 0.5 * mean_n (sum_space a * dL/da)^2, times prod(weight.shape[1:]) = fan-in (2 and 2)
    const convF = [0, 1].reduce(
      (s, k) =>
        s + (0.5 * a.reduce((t, an, n) => t + (an[0]![k]! * da[n]![0]![k]! + an[1]![k]! * da[n]![1]![k]!) ** 2, 0)) / N,
      0,
    );
    const fcF = [0, 1].reduce((s, j) => s + (0.5 * z.reduce((t, zn, n) => t + (zn[j]! * dz[n]![j]!) ** 2, 0)) / N, 0);
    const expected = 2 * convF + 2 * fcF;
    const v = await fisher.score({ net, engine: tfjsEngine, ir, batch, seed: 9 }, undefined);
    net.dispose();
    expect(convF).toBeGreaterThan(1e-6);
    expect(rel(v.score, expected)).toBeLessThan(1e-5);
  });
});
