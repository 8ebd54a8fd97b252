/**
 * NetworkIR -> one self-contained PyTorch file: `class Net(nn.Module)` whose constructor needs no
 * arguments (its defaults are the exported architecture), with mstf's parameter names mapped to a
 * PyTorch state_dict. Trained weights travel beside it as `<name>.safetensors` (read with plain torch,
 * no extra package). The input is NCHW float32, normalised as the dataset does; the output is logits.
 */
import { MstfError } from '../errors.js';
import { BN_EPS, BN_MOMENTUM } from '../ir/types.js';
import { hasBias } from '../ir/cost.js';
import type { FeatureShape, IRNode, NetworkIR, NodeShape } from '../ir/types.js';
import { shapesOf, windowPads, type ExportParam } from './params.js';
import type { NamedTensor } from './safetensors.js';

const PY_KEYWORDS = new Set(
  'False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield'.split(
    ' ',
  ),
);

/** mstf role -> PyTorch state_dict suffix. */
const TORCH_ROLE: Record<ExportParam['role'], string> = {
  weight: 'weight',
  bias: 'bias',
  gamma: 'weight',
  beta: 'bias',
  runningMean: 'running_mean',
  runningVar: 'running_var',
};

/** Python attribute names for node ids ("layer1.0.conv" -> "layer1_0_conv"), unique. */
function attributeNames(ir: NetworkIR): Map<string, string> {
  const names = new Map<string, string>();
  const taken = new Set<string>(['forward', 'load_weights', 'training']);
  for (const n of ir.nodes) {
    let a = n.id.replace(/[^A-Za-z0-9_]/g, '_');
    if (/^[0-9]/.test(a) || PY_KEYWORDS.has(a) || a.startsWith('pad_')) a = `n_${a}`;
    let unique = a;
    for (let i = 2; taken.has(unique); i++) unique = `${a}_${i}`;
    taken.add(unique);
    taken.add(`pad_${unique}`);
    names.set(n.id, unique);
  }
  return names;
}

/** The state_dict tensors (PyTorch names) of `params`. */
export function torchStateDict(ir: NetworkIR, params: ExportParam[]): NamedTensor[] {
  const names = attributeNames(ir);
  return params.map((p) => ({ name: `${names.get(p.node)}.${TORCH_ROLE[p.role]}`, shape: p.shape, data: p.data }));
}

const py = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : String(v));
const tuple = (v: number[]) => `(${v.join(', ')}${v.length === 1 ? ',' : ''})`;

export interface PytorchExportInfo {
  /** Lines of the module docstring (what was exported, from where). */
  description: string[];
  params: number;
  flops: number;
  /** File name (no directory) of the weights beside the .py, when exported with weights. */
  weightsFile?: string;
}

/** The Python source of the exported model. */
export function toPytorch(ir: NetworkIR, info: PytorchExportInfo): string {
  const shapes = shapesOf(ir);
  const names = attributeNames(ir);
  const init: string[] = [];
  const fwd: string[] = [];
  const v = (id: string) => `v_${names.get(id)}`;
  for (const n of ir.nodes) {
    const a = names.get(n.id)!;
    const x = n.inputs[0] !== undefined ? v(n.inputs[0]) : '';
    const inShape: NodeShape | undefined = n.inputs[0] !== undefined ? shapes.get(n.inputs[0])! : undefined;
    const out = v(n.id);
    const padded = (pads: [number, number, number, number], value: string): string => {
      const [t, b, l, r] = pads;
      if (t === b && l === r) return x;
      init.push(`        self.pad_${a} = nn.ConstantPad2d(${tuple([l, r, t, b])}, ${value})`);
      return `self.pad_${a}(${x})`;
    };
    switch (n.op) {
      case 'input':
        fwd.push(`        ${out} = x`);
        break;
      case 'conv':
      case 'depthwise': {
        const fs = inShape as FeatureShape;
        const pads = windowPads(n.padding, fs, n.kernel, n.stride, n.dilation ?? 1);
        const symmetric = pads[0] === pads[1] && pads[2] === pads[3];
        const src = padded(pads, '0.0');
        const ci = fs[2];
        const co = n.op === 'conv' ? n.filters : ci * (n.multiplier ?? 1);
        const groups = n.op === 'depthwise' ? ci : 1;
        init.push(
          `        self.${a} = nn.Conv2d(${ci}, ${co}, kernel_size=${tuple(n.kernel)}, stride=${n.stride}, ` +
            `padding=${symmetric ? tuple([pads[0], pads[2]]) : '0'}, dilation=${n.dilation ?? 1}, groups=${groups}, bias=${hasBias(n) ? 'True' : 'False'})`,
        );
        fwd.push(`        ${out} = self.${a}(${src})`);
        break;
      }
      case 'pool': {
        const pads = windowPads(n.padding, inShape as FeatureShape, [n.window, n.window], n.stride);
        if (n.mode === 'max') {
          const symmetric = pads[0] === pads[1] && pads[2] === pads[3];
          const src = padded(pads, "float('-inf')");
          init.push(
            `        self.${a} = nn.MaxPool2d(${n.window}, stride=${n.stride}, padding=${symmetric ? tuple([pads[0], pads[2]]) : '0'})`,
          );
          fwd.push(`        ${out} = self.${a}(${src})`);
        } else {
          init.push(
            `        self.${a} = AvgPoolInBounds(${n.window}, ${n.stride}, ${tuple([pads[2], pads[3], pads[0], pads[1]])})`,
          );
          fwd.push(`        ${out} = self.${a}(${x})`);
        }
        break;
      }
      case 'batchnorm': {
        const c = (shapes.get(n.id) as FeatureShape)[2];
        init.push(
          `        self.${a} = nn.BatchNorm2d(${c}, eps=${n.eps ?? BN_EPS}, momentum=${n.momentum ?? BN_MOMENTUM}, affine=${n.affine === false ? 'False' : 'True'})`,
        );
        fwd.push(`        ${out} = self.${a}(${x})`);
        break;
      }
      case 'relu':
        fwd.push(`        ${out} = F.relu(${x})`);
        break;
      case 'identity':
        fwd.push(`        ${out} = ${x}`);
        break;
      case 'concat':
        fwd.push(`        ${out} = ${n.inputs.length === 1 ? x : `torch.cat([${n.inputs.map(v).join(', ')}], 1)`}`);
        break;
      case 'add':
        fwd.push(`        ${out} = ${n.inputs.map(v).join(' + ')}`);
        break;
      case 'zero': {
        const s = n.stride ?? 1;
        fwd.push(`        ${out} = ${s > 1 ? `${x}[:, :, ::${s}, ::${s}]` : x} * 0.0`);
        break;
      }
      case 'gap':
        fwd.push(`        ${out} = ${x}.mean((2, 3))`);
        break;
      case 'dense': {
        const inputs = (inShape as NodeShape)[0];
        init.push(`        self.${a} = nn.Linear(${inputs}, ${n.units}, bias=${hasBias(n) ? 'True' : 'False'})`);
        fwd.push(`        ${out} = self.${a}(${x})`);
        break;
      }
      default:
        throw new MstfError('INVALID_IR', `export: op "${(n as IRNode).op}" has no PyTorch form`);
    }
  }
  fwd.push(`        return ${v(ir.output)}`);
  const [h, w, c] = (ir.nodes[0] as Extract<IRNode, { op: 'input' }>).shape;
  const classes = shapes.get(ir.output)![0];
  return `${PREAMBLE(info)}
INPUT_SHAPE = (${c}, ${h}, ${w})  # C, H, W
CLASSES = ${classes}
MSTF_PARAMS = ${info.params}
MSTF_MACS = ${info.flops}
WEIGHTS = ${info.weightsFile ? `os.path.join(os.path.dirname(os.path.abspath(__file__)), ${py(info.weightsFile)})` : 'None'}


class AvgPoolInBounds(nn.Module):
    """Average pooling over the in-bounds part of each window (padding not counted), mstf's and TF's 'same'."""

    def __init__(self, window, stride, pads):
        super().__init__()
        self.window, self.stride, self.pads = window, stride, pads  # pads: (left, right, top, bottom)

    def forward(self, x):
        if sum(self.pads) == 0:
            return F.avg_pool2d(x, self.window, self.stride)
        ones = torch.ones_like(x[:, :1])
        total = F.avg_pool2d(F.pad(x, self.pads), self.window, self.stride)
        inside = F.avg_pool2d(F.pad(ones, self.pads), self.window, self.stride)
        return total / inside


def read_safetensors(path):
    """{name: tensor} of a safetensors file (float32), with torch alone."""
    with open(path, 'rb') as f:
        size = struct.unpack('<Q', f.read(8))[0]
        header = json.loads(f.read(size))
        data = f.read()
    tensors = {}
    for name, spec in header.items():
        if name == '__metadata__':
            continue
        if spec['dtype'] != 'F32':
            raise ValueError(f'{path}: {name} is {spec["dtype"]}, expected F32')
        begin, end = spec['data_offsets']
        tensors[name] = torch.frombuffer(bytearray(data[begin:end]), dtype=torch.float32).reshape(spec['shape']).clone()
    return tensors


class Net(nn.Module):
    """The exported architecture; Net() builds it with PyTorch's default initialisation, Net(WEIGHTS) with the exported weights."""

    def __init__(self, weights=None):
        super().__init__()
${init.join('\n')}
        if weights is not None:
            self.load_weights(weights)

    def load_weights(self, path):
        """Load a safetensors state dict (every parameter and batchnorm statistic must be there)."""
        missing, unexpected = self.load_state_dict(read_safetensors(path), strict=False)
        missing = [k for k in missing if not k.endswith('num_batches_tracked')]
        if missing or unexpected:
            raise ValueError(f'{path}: missing {missing}, unexpected {unexpected}')
        return self

    def forward(self, x):
${fwd.join('\n')}


def build():
    """Net with the exported weights when there are some (eval mode), else freshly initialised."""
    return Net(WEIGHTS).eval()


def count_macs(model):
    """Multiply-accumulates per example (conv: Ho*Wo*Co*kh*kw*Ci/groups, linear: in*out), as mstf counts FLOPs."""
    macs = 0

    def hook(module, inputs, output):
        nonlocal macs
        if isinstance(module, nn.Conv2d):
            macs += output[0].numel() * (module.in_channels // module.groups) * module.kernel_size[0] * module.kernel_size[1]
        else:
            macs += module.in_features * module.out_features

    handles = [m.register_forward_hook(hook) for m in model.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
    was_training = model.training
    model.eval()
    with torch.no_grad():
        model(torch.zeros(1, *INPUT_SHAPE))
    model.train(was_training)
    for h in handles:
        h.remove()
    return macs


if __name__ == '__main__':
    net = build()
    params = sum(p.numel() for p in net.parameters())
    print(json.dumps({'params': params, 'macs': count_macs(net), 'mstf_params': MSTF_PARAMS, 'mstf_macs': MSTF_MACS,
                      'weights': WEIGHTS}))
`;
}

function PREAMBLE(info: PytorchExportInfo): string {
  const doc = info.description.map((l) => l.replace(/\\/g, '\\\\').replace(/"""/g, "'''")).join('\n');
  return `"""${doc}
"""
import json
import os
import struct

import torch
import torch.nn.functional as F
from torch import nn
`;
}
