/**
 * NetworkIR -> ONNX (opset 13), written with onnx-proto (the protobufjs build of onnx.proto). The graph
 * takes `input` [N, C, H, W] float32 (normalised as the dataset does; NCHW as PyTorch) and returns
 * `logits` [N, classes]; batchnorm is in inference form (running statistics), so outputs equal mstf's
 * eval-mode forward pass.
 */
import onnxProto from 'onnx-proto';
import { MstfError } from '../errors.js';
import type { FeatureShape, IRNode, NetworkIR } from '../ir/types.js';
import { BN_EPS } from '../ir/types.js';
import { shapesOf, windowPads, type ExportParam, type ParamSource } from './params.js';

const { onnx } = onnxProto;
type NodeProto = InstanceType<typeof onnx.NodeProto>;
type TensorProto = InstanceType<typeof onnx.TensorProto>;

export const ONNX_OPSET = 13;
export const ONNX_INPUT = 'input';
export const ONNX_OUTPUT = 'logits';

const ints = (name: string, v: number[]) =>
  onnx.AttributeProto.create({ name, type: onnx.AttributeProto.AttributeType.INTS, ints: v });
const int = (name: string, v: number) =>
  onnx.AttributeProto.create({ name, type: onnx.AttributeProto.AttributeType.INT, i: v });
const float = (name: string, v: number) =>
  onnx.AttributeProto.create({ name, type: onnx.AttributeProto.AttributeType.FLOAT, f: v });

function floatTensor(name: string, dims: number[], data: Float32Array): TensorProto {
  const raw = new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
  return onnx.TensorProto.create({ name, dims, dataType: onnx.TensorProto.DataType.FLOAT, rawData: raw });
}
function int64Tensor(name: string, values: number[]): TensorProto {
  const data = new BigInt64Array(values.map((v) => BigInt(v)));
  return onnx.TensorProto.create({
    name,
    dims: [values.length],
    dataType: onnx.TensorProto.DataType.INT64,
    rawData: new Uint8Array(data.buffer),
  });
}

function valueInfo(name: string, dims: (number | string)[]) {
  return onnx.ValueInfoProto.create({
    name,
    type: {
      tensorType: {
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) },
      },
    },
  });
}

export interface OnnxExportInfo {
  /** Free text stored as metadata (space, genotype, hash, normalisation...). */
  metadata: Record<string, string>;
  source: ParamSource;
}

/** Serialised ONNX model of `ir` with `params` (PyTorch layout, from exportParams). */
export function toOnnx(ir: NetworkIR, params: ExportParam[], info: OnnxExportInfo): Uint8Array {
  const shapes = shapesOf(ir);
  const byName = new Map(params.map((p) => [p.name, p]));
  const nodes: NodeProto[] = [];
  const initializers: TensorProto[] = [];
  const init = (p: ExportParam | undefined, what: string): string => {
    if (!p) throw new MstfError('INTERNAL', `export: parameter ${what} is missing`);
    initializers.push(floatTensor(p.name, p.shape, p.data));
    return p.name;
  };
  const constant = (name: string, dims: number[], data: Float32Array): string => {
    initializers.push(floatTensor(name, dims, data));
    return name;
  };
  const int64Const = (name: string, values: number[]): string => {
    initializers.push(int64Tensor(name, values));
    return name;
  };
  const param = (n: IRNode, role: ExportParam['role']) => init(byName.get(`${n.id}/${role}`), `${n.id}/${role}`);
  const has = (n: IRNode, role: ExportParam['role']) => byName.has(`${n.id}/${role}`);
  const add = (
    op: string,
    inputs: string[],
    output: string,
    attribute: ReturnType<typeof ints>[] = [],
    name = output,
  ) => nodes.push(onnx.NodeProto.create({ opType: op, input: inputs, output: [output], attribute, name }));

  const inputNode = ir.nodes[0]!;
  for (const n of ir.nodes) {
    const x = n.inputs[0]!;
    const inShape = x !== undefined ? shapes.get(x)! : undefined;
    switch (n.op) {
      case 'input':
        // The graph input is named `input`; keep the node id usable as a value name.
        if (n.id !== ONNX_INPUT) add('Identity', [ONNX_INPUT], n.id);
        break;
      case 'conv':
      case 'depthwise': {
        const [t, b, l, r] = windowPads(n.padding, inShape as FeatureShape, n.kernel, n.stride, n.dilation ?? 1);
        const inputs = [x, param(n, 'weight')];
        if (has(n, 'bias')) inputs.push(param(n, 'bias'));
        const group = n.op === 'depthwise' ? (inShape as FeatureShape)[2] : 1;
        add('Conv', inputs, n.id, [
          ints('kernel_shape', n.kernel),
          ints('strides', [n.stride, n.stride]),
          ints('dilations', [n.dilation ?? 1, n.dilation ?? 1]),
          ints('pads', [t, l, b, r]),
          int('group', group),
        ]);
        break;
      }
      case 'pool': {
        const [t, b, l, r] = windowPads(n.padding, inShape as FeatureShape, [n.window, n.window], n.stride);
        const attrs = [
          ints('kernel_shape', [n.window, n.window]),
          ints('strides', [n.stride, n.stride]),
          ints('pads', [t, l, b, r]),
        ];
        // mstf's average pool divides by the in-bounds count (count_include_pad = 0, ONNX's default).
        if (n.mode === 'avg') add('AveragePool', [x], n.id, [...attrs, int('count_include_pad', 0)]);
        else add('MaxPool', [x], n.id, attrs);
        break;
      }
      case 'batchnorm': {
        const c = (shapes.get(n.id) as FeatureShape)[2];
        const affine = n.affine !== false;
        const scale = affine ? param(n, 'gamma') : constant(`${n.id}/ones`, [c], new Float32Array(c).fill(1));
        const bias = affine ? param(n, 'beta') : constant(`${n.id}/zeros`, [c], new Float32Array(c));
        add('BatchNormalization', [x, scale, bias, param(n, 'runningMean'), param(n, 'runningVar')], n.id, [
          float('epsilon', n.eps ?? BN_EPS),
        ]);
        break;
      }
      case 'relu':
        add('Relu', [x], n.id);
        break;
      case 'identity':
        add('Identity', [x], n.id);
        break;
      case 'concat':
        add(
          n.inputs.length === 1 ? 'Identity' : 'Concat',
          n.inputs,
          n.id,
          n.inputs.length === 1 ? [] : [int('axis', 1)],
        );
        break;
      case 'add':
        add(n.inputs.length === 1 ? 'Identity' : 'Sum', n.inputs, n.id);
        break;
      case 'zero': {
        // x[:, :, ::s, ::s] * 0: zeros of the right shape for any batch size.
        let from = x;
        const s = n.stride ?? 1;
        if (s > 1) {
          const big = 2 ** 31 - 1;
          add(
            'Slice',
            [
              x,
              int64Const(`${n.id}/starts`, [0, 0]),
              int64Const(`${n.id}/ends`, [big, big]),
              int64Const(`${n.id}/axes`, [2, 3]),
              int64Const(`${n.id}/steps`, [s, s]),
            ],
            `${n.id}/strided`,
          );
          from = `${n.id}/strided`;
        }
        add('Mul', [from, constant(`${n.id}/zero`, [], new Float32Array([0]))], n.id);
        break;
      }
      case 'gap':
        add('GlobalAveragePool', [x], `${n.id}/pooled`);
        add('Flatten', [`${n.id}/pooled`], n.id, [int('axis', 1)]);
        break;
      case 'dense': {
        // Gemm computes A * B^T with transB = 1: B is PyTorch's [out, in].
        const inputs = [x, param(n, 'weight')];
        if (has(n, 'bias')) inputs.push(param(n, 'bias'));
        add('Gemm', inputs, n.id, [int('transB', 1)]);
        break;
      }
      default:
        throw new MstfError('INVALID_IR', `export: op "${(n as IRNode).op}" has no ONNX form`);
    }
  }
  add('Identity', [ir.output], ONNX_OUTPUT);

  const [h, w, c] = (inputNode as Extract<IRNode, { op: 'input' }>).shape;
  const classes = shapes.get(ir.output)![0];
  const graph = onnx.GraphProto.create({
    name: 'mstf',
    node: nodes,
    initializer: initializers,
    input: [valueInfo(ONNX_INPUT, ['N', c, h, w])],
    output: [valueInfo(ONNX_OUTPUT, ['N', classes])],
  });
  const model = onnx.ModelProto.create({
    irVersion: 7,
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    producerName: 'mstf-nas',
    graph,
    metadataProps: Object.entries({ ...info.metadata, weights: `${info.source.kind}:${info.source.from}` }).map(
      ([key, value]) => ({ key, value }),
    ),
  });
  return onnx.ModelProto.encode(model).finish();
}
