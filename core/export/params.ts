/**
 * What an export writes besides the graph: the network's parameters in PyTorch's layout (NCHW world:
 * conv OIHW, depthwise [C*m, 1, kh, kw], dense [out, in]), taken from a training's best model or, without
 * one, from mstf's own seeded initialisation. Also the per-node padding both exporters need.
 */
import fs from 'node:fs';
import path from 'node:path';
import { MstfError } from '../errors.js';
import type { Engine } from '../contracts/engine.js';
import { inferShapes } from '../ir/shapes.js';
import type { FeatureShape, IRNode, NetworkIR, NodeShape, Padding } from '../ir/types.js';

/** One parameter in PyTorch layout; `name` is mstf's `${nodeId}/${role}`. */
export interface ExportParam {
  name: string;
  node: string;
  role: 'weight' | 'bias' | 'gamma' | 'beta' | 'runningMean' | 'runningVar';
  shape: number[];
  data: Float32Array;
}

/** Where the weights came from, recorded in the exported files. */
export interface ParamSource {
  kind: 'training' | 'init';
  /** The training directory, or the initialisation seed. */
  from: string;
}

/** The training's best model directory (`<training>/model`, tfjs format written by Network.save). */
export function trainingModelDir(trainingDir: string): string {
  const dir = path.join(path.resolve(trainingDir), 'model');
  if (!fs.existsSync(path.join(dir, 'model.json'))) {
    throw new MstfError(
      'NOT_FOUND',
      `--weights ${trainingDir}: no trained model there (model/model.json missing; is it a finished \`mstf train\` output?)`,
    );
  }
  return dir;
}

/** Compare the exported IR with the one the training saved (ids, ops, sizes), so weights never land on another network. */
function checkSameNetwork(ir: NetworkIR, modelDir: string): void {
  const saved = (
    JSON.parse(fs.readFileSync(path.join(modelDir, 'model.json'), 'utf8')) as { modelTopology?: NetworkIR }
  ).modelTopology;
  const strip = (n: NetworkIR) => JSON.stringify(n.nodes.map(({ group: _g, label: _l, ...rest }) => rest));
  if (!saved || !Array.isArray(saved.nodes) || strip(saved) !== strip(ir)) {
    throw new MstfError(
      'INVALID_ARGUMENT',
      `--weights ${path.dirname(modelDir)}: that training trained another network (architecture, input shape or classes differ; with --genotype give its --input/--classes/--channels, or use --run)`,
    );
  }
}

/** A conv kernel from tfjs's [kh, kw, in, out] order to PyTorch's [out, in, kh, kw]. */
function hwioToOihw(data: Float32Array, kh: number, kw: number, ci: number, co: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let a = 0; a < kh; a++)
    for (let b = 0; b < kw; b++)
      for (let i = 0; i < ci; i++)
        for (let o = 0; o < co; o++) {
          out[((o * ci + i) * kh + a) * kw + b] = data[((a * kw + b) * ci + i) * co + o]!;
        }
  return out;
}

/** tfjs layout -> PyTorch layout. */
function toTorchLayout(
  node: IRNode,
  role: ExportParam['role'],
  shape: number[],
  data: Float32Array,
): { shape: number[]; data: Float32Array } {
  if (role !== 'weight') return { shape, data };
  if (node.op === 'conv') {
    const [kh, kw, ci, co] = shape as [number, number, number, number];
    return { shape: [co, ci, kh, kw], data: hwioToOihw(data, kh, kw, ci, co) };
  }
  if (node.op === 'depthwise') {
    // tf output channel c*m + j <- input channel c; PyTorch groups=C orders its outputs the same way, so the
    // [kh, kw, c, m] kernel is a conv kernel with one input channel and c*m outputs.
    const [kh, kw, c, m] = shape as [number, number, number, number];
    return { shape: [c * m, 1, kh, kw], data: hwioToOihw(data, kh, kw, 1, c * m) };
  }
  if (node.op === 'dense') {
    const [inputs, units] = shape as [number, number];
    const out = new Float32Array(data.length);
    for (let i = 0; i < inputs; i++) for (let u = 0; u < units; u++) out[u * inputs + i] = data[i * units + u]!;
    return { shape: [units, inputs], data: out };
  }
  return { shape, data };
}

/**
 * Every parameter and batchnorm statistic of `ir` in PyTorch layout: from the training in `trainingDir`
 * (its best-validation model), or mstf's initialisation with `seed` (what `mstf train --seed` starts from).
 */
export async function exportParams(
  ir: NetworkIR,
  opts: { engine: Engine; trainingDir?: string; seed?: number; backend?: string },
): Promise<{ params: ExportParam[]; source: ParamSource }> {
  const { engine } = opts;
  await engine.ready(opts.backend);
  const seed = opts.seed ?? 0;
  const net = engine.compile(ir, { seed });
  try {
    let source: ParamSource = { kind: 'init', from: String(seed) };
    if (opts.trainingDir !== undefined) {
      const modelDir = trainingModelDir(opts.trainingDir);
      checkSameNetwork(ir, modelDir);
      await net.load(modelDir);
      source = { kind: 'training', from: path.resolve(opts.trainingDir) };
    }
    const byId = new Map(ir.nodes.map((n) => [n.id, n]));
    const params = net.paramInfo.map((p) => {
      const data = net.params.get(p.name)!.dataSync() as Float32Array;
      const t = toTorchLayout(byId.get(p.node)!, p.role, p.shape, Float32Array.from(data));
      return { name: p.name, node: p.node, role: p.role, shape: t.shape, data: t.data };
    });
    return { params, source };
  } finally {
    net.dispose();
  }
}

/** Explicit zero padding [top, bottom, left, right] of a sliding window, as the engine applies it. */
export function windowPads(
  padding: Padding,
  [h, w]: FeatureShape,
  kernel: [number, number],
  stride: number,
  dilation = 1,
): [number, number, number, number] {
  if (padding === 'valid') return [0, 0, 0, 0];
  if (typeof padding === 'number') return [padding, padding, padding, padding];
  // TensorFlow 'same': total = max((ceil(n/s) - 1) s + effective - n, 0), the extra one at the bottom/right.
  const same = (n: number, k: number): [number, number] => {
    const effective = dilation * (k - 1) + 1;
    const total = Math.max((Math.ceil(n / stride) - 1) * stride + effective - n, 0);
    return [Math.floor(total / 2), total - Math.floor(total / 2)];
  };
  return [...same(h, kernel[0]), ...same(w, kernel[1])];
}

/** Shapes by node id (NHWC per example) for exporters. */
export function shapesOf(ir: NetworkIR): Map<string, NodeShape> {
  return inferShapes(ir);
}
