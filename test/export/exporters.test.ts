/**
 * ONNX and PyTorch exports against mstf's own eval-mode forward pass, on networks that use every IR op
 * (TF-'same' asymmetric padding, dilation, depthwise multipliers, every pool, zero with stride, BN
 * without affine...), with non-trivial batchnorm statistics and affine parameters. References:
 * onnxruntime-node, and Debian's python3-torch running the generated .py.
 */
import fs from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../plugins/engine-tfjs/tf.js';
import { ensureBackend } from '../../plugins/engine-tfjs/backend.js';
import { compileNetwork } from '../../plugins/engine-tfjs/compile.js';
import { networkCost } from '../../core/ir/cost.js';
import type { NetworkIR } from '../../core/ir/types.js';
import { bootKernel, resolveSettings, type Kernel } from '../../core/kernel/index.js';
import { builtinPlugins } from '../../plugins/index.js';
import { resolveArchitecture } from '../../core/arch/describe.js';
import { exportParams } from '../../core/export/params.js';
import { toOnnx } from '../../core/export/onnx.js';
import { toPytorch, torchStateDict } from '../../core/export/pytorch.js';
import { encodeSafetensors } from '../../core/export/safetensors.js';
import { Rng } from '../../core/util/rng.js';
import { getModelSource } from '../../core/models/index.js';
import { tempDir } from '../helpers/cli.js';
import { EXPORTED_PY, requireTorch, runPython } from './torch.js';
import { tfjsEngine } from '../../plugins/engine-tfjs/index.js';

// Every normal op (sep 3/5/7, dil sep 3/5, 7x1+1x7, identity, zero) and pools 1..5.
const MSTF_G = '1,0,6,1,6,2,6,2,3,1,3,3,3,1,0,0,7,0,2,1,1,2,1,1,4,3,0,1,1,0,1,1,0,2,7,3,2,2,5,4,5,4';
const MSTF_G2 = '2,0,4,1,5,0,7,2,0,3,0,5,2,4,3,0,6,1,1,2,4,0,5,4,1,2,3,0,2,0,0,1,3,2,4,3,5,4,0,1,4,5';
const NB201 = '|nor_conv_3x3~0|+|none~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_1x1~1|nor_conv_3x3~2|';

/** Ops and paddings the spaces do not use: asymmetric 'same' with stride 2, multiplier 2, zero stride 2, no-affine BN, 3-way add. */
const ODD_IR: NetworkIR = {
  nodes: [
    { id: 'input', op: 'input', inputs: [], shape: [10, 10, 3] },
    { id: 'c1', op: 'conv', inputs: ['input'], filters: 6, kernel: [4, 3], stride: 2, padding: 'same', bias: true },
    { id: 'bn1', op: 'batchnorm', inputs: ['c1'], affine: false, eps: 1e-3 },
    { id: 'r1', op: 'relu', inputs: ['bn1'] },
    {
      id: 'dw',
      op: 'depthwise',
      inputs: ['r1'],
      kernel: [3, 3],
      stride: 1,
      padding: 'same',
      dilation: 2,
      multiplier: 2,
      bias: true,
    },
    { id: 'pw', op: 'conv', inputs: ['dw'], filters: 6, kernel: [1, 1], stride: 1, padding: 'valid' },
    { id: 'bn2', op: 'batchnorm', inputs: ['pw'] },
    { id: 'add', op: 'add', inputs: ['bn2', 'r1', 'pw'] },
    { id: 'mp', op: 'pool', inputs: ['add'], mode: 'max', window: 3, stride: 2, padding: 'same' },
    { id: 'ap', op: 'pool', inputs: ['add'], mode: 'avg', window: 2, stride: 2, padding: 'same' },
    { id: 'ap3', op: 'pool', inputs: ['add'], mode: 'avg', window: 3, stride: 1, padding: 1 },
    { id: 'ap3s', op: 'pool', inputs: ['ap3'], mode: 'avg', window: 3, stride: 2, padding: 'same' },
    { id: 'z', op: 'zero', inputs: ['add'], stride: 2 },
    { id: 'cat', op: 'concat', inputs: ['mp', 'ap', 'z', 'ap3s'] },
    { id: 'c2', op: 'conv', inputs: ['cat'], filters: 5, kernel: [3, 3], stride: 1, padding: 'valid' },
    { id: 'id', op: 'identity', inputs: ['c2'] },
    { id: 'gap', op: 'gap', inputs: ['id'] },
    { id: 'fc', op: 'dense', inputs: ['gap'], units: 4, bias: false },
  ],
  output: 'fc',
};

let kernel: Kernel;
let torch = false;
const dir = tempDir('mstf-export-');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
beforeAll(async () => {
  kernel = await bootKernel({ settings: resolveSettings({ cwd: dir }), builtins: builtinPlugins, config: {} });
  await ensureBackend();
  torch = requireTorch();
});

function irOf(
  space: string,
  genotype: string,
  options: Record<string, unknown>,
  inputShape?: [number, number, number],
  classes?: number,
): NetworkIR {
  const { instance, genes } = resolveArchitecture(kernel, {
    space,
    genotype,
    options,
    ...(inputShape ? { inputShape } : {}),
    ...(classes ? { classes } : {}),
  });
  return instance.decode(genes);
}

/**
 * Batchnorm with momentum 1: one train-mode pass sets the running statistics to that batch's, so the
 * eval-mode signal keeps its scale through deep cells (with fresh statistics it fades to a constant).
 */
function withMomentumOne(ir: NetworkIR): NetworkIR {
  return { ...ir, nodes: ir.nodes.map((n) => (n.op === 'batchnorm' ? { ...n, momentum: 1 } : n)) };
}

/**
 * A "trained" network in `<out>/model`: batchnorm statistics from train-mode passes on scaled
 * inputs, gamma / beta / biases set to random values (so every layout and role is exercised).
 */
async function fakeTraining(ir: NetworkIR, out: string): Promise<ReturnType<typeof compileNetwork>> {
  const net = compileNetwork(ir, { seed: 7 });
  const [h, w, c] = (ir.nodes[0] as { shape: [number, number, number] }).shape;
  for (let i = 0; i < 3; i++) {
    const x = tf.mul(tf.randomNormal([4, h, w, c], 0, 1, 'float32', 100 + i), 1 + i);
    tf.dispose(Object.values(net.forward(x, { training: true, updateStats: true })));
    x.dispose();
  }
  const rng = new Rng(3);
  for (const p of net.paramInfo) {
    if (p.role === 'gamma' || p.role === 'beta' || p.role === 'bias') {
      const size = p.shape.reduce((a, b) => a * b, 1);
      const v = Float32Array.from({ length: size }, () => (p.role === 'gamma' ? 0.5 + rng.next() : rng.next() - 0.5));
      net.params.get(p.name)!.assign(tf.tensor(v, p.shape));
    }
  }
  await net.save(path.join(out, 'model'));
  return net;
}

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};

const cases: { name: string; ir: () => NetworkIR }[] = [
  { name: 'mstf, every normal op and five pools (C0 8, 28x28x1)', ir: () => irOf('mstf', MSTF_G, { channels: 8 }) },
  {
    name: 'mstf, another mix at 32x32x3, 5 classes (C0 8)',
    ir: () => irOf('mstf', MSTF_G2, { channels: 8 }, [32, 32, 3], 5),
  },
  { name: 'nb201 cell with none, avg pool, 1x1 (C 8)', ir: () => irOf('nb201', NB201, { channels: 8 }) },
  {
    name: 'ResNet-18 baseline (8x8x3 input, 3 classes)',
    ir: () => getModelSource('resnet18').build({ inputShape: [8, 8, 3], classes: 3 }),
  },
  {
    name: 'hand-made IR: asymmetric same pads, stride 2, dilated depthwise x2, zero stride 2, no-affine BN',
    ir: () => ODD_IR,
  },
];

describe.each(cases)('exports of $name', ({ name, ir: build }) => {
  const slug = name.replace(/[^a-z0-9]+/gi, '-').slice(0, 40);
  let ir: NetworkIR;
  let net: ReturnType<typeof compileNetwork>;
  let x: tf.Tensor4D;
  let expected: Float32Array;
  const n = 3;
  beforeAll(async () => {
    ir = withMomentumOne(build());
    const training = path.join(dir, slug);
    net = await fakeTraining(ir, training);
    const [h, w, c] = (ir.nodes[0] as { shape: [number, number, number] }).shape;
    x = tf.randomNormal([n, h, w, c], 0, 1, 'float32', 42) as tf.Tensor4D;
    const out = net.forward(x, { training: false });
    expected = Float32Array.from(out.output.dataSync());
    tf.dispose(Object.values(out.taps));
    out.output.dispose();
  });
  afterAll(() => {
    net?.dispose();
    x?.dispose();
  });

  it("ONNX (onnxruntime) gives mstf's eval-mode logits within 1e-4", async () => {
    const { params, source } = await exportParams(ir, { engine: tfjsEngine, trainingDir: path.join(dir, slug) });
    const file = path.join(dir, `${slug}.onnx`);
    fs.writeFileSync(file, toOnnx(ir, params, { metadata: {}, source }));
    const session = await ort.InferenceSession.create(file);
    const nchw = tf.transpose(x, [0, 3, 1, 2]);
    const [, c, h, w] = nchw.shape;
    const result = await session.run({
      input: new ort.Tensor('float32', Float32Array.from(nchw.dataSync()), [n, c, h, w]),
    });
    nchw.dispose();
    const logits = result.logits!.data as Float32Array;
    // The outputs must depend on the input (a constant network would match trivially).
    const k = expected.length / n;
    expect(maxAbsDiff(expected.subarray(0, k), expected.subarray(k, 2 * k))).toBeGreaterThan(1e-2);
    expect(maxAbsDiff(logits, expected)).toBeLessThanOrEqual(1e-4);
  });

  it("PyTorch (python3-torch): parameter count and MACs equal mstf's, logits within 1e-4", async (ctx) => {
    if (!torch) ctx.skip();
    const { params } = await exportParams(ir, { engine: tfjsEngine, trainingDir: path.join(dir, slug) });
    const cost = networkCost(ir);
    const py = path.join(dir, `${slug}.py`);
    fs.writeFileSync(path.join(dir, `${slug}.safetensors`), encodeSafetensors(torchStateDict(ir, params)));
    fs.writeFileSync(
      py,
      toPytorch(ir, {
        description: [name],
        params: cost.params,
        flops: cost.flops,
        weightsFile: `${slug}.safetensors`,
      }),
    );
    const nchw = tf.transpose(x, [0, 3, 1, 2]);
    const input = path.join(dir, `${slug}.f32`);
    fs.writeFileSync(input, Float32Array.from(nchw.dataSync()));
    nchw.dispose();
    const r = runPython(EXPORTED_PY, [py, input, String(n)]);
    expect(r.params).toBe(cost.params);
    expect(r.macs).toBe(cost.flops);
    expect(maxAbsDiff(r.logits, expected)).toBeLessThanOrEqual(1e-4);
  });
});
