/**
 * Shape inference and validation of a NetworkIR. Shapes are per example, NHWC without the batch axis.
 * Every error names the node and the reason: `node "<id>" (<op>): <reason>`.
 */
import { MstfError } from '../errors.js';
import type { FeatureShape, IRNode, NetworkIR, NodeShape, Padding } from './types.js';

function fail(node: Pick<IRNode, 'id' | 'op'>, reason: string): never {
  throw new MstfError('INVALID_IR', `node "${node.id}" (${node.op}): ${reason}`);
}

function isPositiveInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v > 0;
}

function checkPositiveInt(node: IRNode, what: string, v: unknown): number {
  if (!isPositiveInt(v)) fail(node, `${what} must be a positive integer, got ${JSON.stringify(v)}`);
  return v;
}

function checkPadding(node: IRNode, p: unknown): Padding {
  if (p === 'same' || p === 'valid') return p;
  if (typeof p === 'number' && Number.isInteger(p) && p >= 0) return p;
  fail(node, `padding must be 'same', 'valid' or a non-negative integer, got ${JSON.stringify(p)}`);
}

/**
 * Output length of a sliding window along one axis.
 * 'same' (TensorFlow): ceil(n / stride); 'valid': ceil((n - effective + 1) / stride);
 * explicit p (PyTorch): floor((n + 2p - effective) / stride) + 1, with effective = dilation * (k - 1) + 1.
 */
export function windowOutput(n: number, k: number, stride: number, padding: Padding, dilation = 1): number {
  const effective = dilation * (k - 1) + 1;
  if (padding === 'same') return Math.ceil(n / stride);
  if (padding === 'valid') return Math.ceil((n - effective + 1) / stride);
  return Math.floor((n + 2 * padding - effective) / stride) + 1;
}

function featureInput(node: IRNode, shape: NodeShape, index = 0): FeatureShape {
  if (shape.length !== 3) {
    fail(
      node,
      `input ${index} ("${node.inputs[index]}") is a vector [${shape.join(', ')}], expected a feature map [H, W, C]`,
    );
  }
  return shape;
}

function slidingShape(
  node: IRNode,
  [h, w]: FeatureShape,
  kernel: [number, number],
  stride: number,
  padding: Padding,
  dilation: number,
  channels: number,
): FeatureShape {
  const [kh, kw] = kernel;
  const ho = windowOutput(h, kh, stride, padding, dilation);
  const wo = windowOutput(w, kw, stride, padding, dilation);
  if (ho < 1 || wo < 1) {
    fail(
      node,
      `window ${kh}x${kw} (dilation ${dilation}) does not fit the ${h}x${w} input with padding ${JSON.stringify(padding)}`,
    );
  }
  return [ho, wo, channels];
}

function checkKernel(node: IRNode, kernel: unknown): [number, number] {
  if (!Array.isArray(kernel) || kernel.length !== 2 || !kernel.every(isPositiveInt)) {
    fail(node, `kernel must be [kh, kw] of positive integers, got ${JSON.stringify(kernel)}`);
  }
  return kernel as [number, number];
}

function expectInputs(node: IRNode, count: number | 'many'): void {
  const n = node.inputs.length;
  if (count === 'many' ? n < 1 : n !== count) {
    fail(
      node,
      `expects ${count === 'many' ? 'at least 1 input' : `${count} input${count === 1 ? '' : 's'}`}, got ${n}`,
    );
  }
}

function nodeShape(node: IRNode, ins: NodeShape[]): NodeShape {
  switch (node.op) {
    case 'input': {
      expectInputs(node, 0);
      const s = node.shape;
      if (!Array.isArray(s) || s.length !== 3 || !s.every(isPositiveInt)) {
        fail(node, `shape must be [H, W, C] of positive integers, got ${JSON.stringify(s)}`);
      }
      return [s[0], s[1], s[2]];
    }
    case 'conv': {
      expectInputs(node, 1);
      const x = featureInput(node, ins[0]!);
      const filters = checkPositiveInt(node, 'filters', node.filters);
      const kernel = checkKernel(node, node.kernel);
      const stride = checkPositiveInt(node, 'stride', node.stride);
      const dilation = checkPositiveInt(node, 'dilation', node.dilation ?? 1);
      if (dilation > 1 && stride > 1) fail(node, 'dilation > 1 requires stride 1');
      return slidingShape(node, x, kernel, stride, checkPadding(node, node.padding), dilation, filters);
    }
    case 'depthwise': {
      expectInputs(node, 1);
      const x = featureInput(node, ins[0]!);
      const kernel = checkKernel(node, node.kernel);
      const stride = checkPositiveInt(node, 'stride', node.stride);
      const dilation = checkPositiveInt(node, 'dilation', node.dilation ?? 1);
      const multiplier = checkPositiveInt(node, 'multiplier', node.multiplier ?? 1);
      if (dilation > 1 && stride > 1) fail(node, 'dilation > 1 requires stride 1');
      return slidingShape(node, x, kernel, stride, checkPadding(node, node.padding), dilation, x[2] * multiplier);
    }
    case 'pool': {
      expectInputs(node, 1);
      const x = featureInput(node, ins[0]!);
      if (node.mode !== 'max' && node.mode !== 'avg')
        fail(node, `mode must be 'max' or 'avg', got ${JSON.stringify(node.mode)}`);
      const window = checkPositiveInt(node, 'window', node.window);
      const stride = checkPositiveInt(node, 'stride', node.stride);
      const padding = checkPadding(node, node.padding);
      // As PyTorch: a window must never lie entirely in the padding.
      if (typeof padding === 'number' && padding > Math.floor(window / 2)) {
        fail(node, `padding ${padding} is more than half the window ${window}`);
      }
      return slidingShape(node, x, [window, window], stride, padding, 1, x[2]);
    }
    case 'batchnorm': {
      expectInputs(node, 1);
      if (node.eps !== undefined && !(node.eps > 0)) fail(node, `eps must be > 0, got ${node.eps}`);
      if (node.momentum !== undefined && !(node.momentum >= 0 && node.momentum <= 1)) {
        fail(node, `momentum must be in [0, 1], got ${node.momentum}`);
      }
      return featureInput(node, ins[0]!);
    }
    case 'relu':
    case 'identity':
      expectInputs(node, 1);
      return ins[0]!;
    case 'zero': {
      expectInputs(node, 1);
      const stride = checkPositiveInt(node, 'stride', node.stride ?? 1);
      const s = ins[0]!;
      if (stride === 1) return s;
      const x = featureInput(node, s);
      // Like x[:, :, ::s, ::s] * 0 in PyTorch: ceil(H / s).
      return [Math.ceil(x[0] / stride), Math.ceil(x[1] / stride), x[2]];
    }
    case 'concat': {
      expectInputs(node, 'many');
      const first = ins[0]!;
      if (first.length === 1) {
        ins.forEach((s, i) => {
          if (s.length !== 1) fail(node, `input ${i} ("${node.inputs[i]}") is a feature map, input 0 is a vector`);
        });
        return [ins.reduce((sum, s) => sum + s[0], 0)];
      }
      let channels = 0;
      ins.forEach((s, i) => {
        const f = featureInput(node, s, i);
        if (f[0] !== first[0] || f[1] !== first[1]) {
          fail(
            node,
            `input ${i} ("${node.inputs[i]}") is ${f[0]}x${f[1]}, input 0 is ${first[0]}x${first[1]}: concat needs equal H, W`,
          );
        }
        channels += f[2];
      });
      return [first[0], first[1]!, channels];
    }
    case 'add': {
      expectInputs(node, 'many');
      const first = ins[0]!;
      ins.forEach((s, i) => {
        if (s.length !== first.length || s.some((d, j) => d !== first[j])) {
          fail(
            node,
            `input ${i} ("${node.inputs[i]}") has shape [${s.join(', ')}], input 0 has [${first.join(', ')}]: add needs equal shapes`,
          );
        }
      });
      return first;
    }
    case 'gap': {
      expectInputs(node, 1);
      const x = featureInput(node, ins[0]!);
      return [x[2]];
    }
    case 'dense': {
      expectInputs(node, 1);
      const units = checkPositiveInt(node, 'units', node.units);
      const s = ins[0]!;
      if (s.length !== 1)
        fail(
          node,
          `input "${node.inputs[0]}" is a feature map [${s.join(', ')}]: dense needs a vector (add a gap node)`,
        );
      return [units];
    }
    default: {
      const unknown = node as { id: string; op: string };
      fail({ id: unknown.id, op: unknown.op as IRNode['op'] }, `unknown op "${unknown.op}"`);
    }
  }
}

/**
 * Output shape of every node, by id, in the IR's (topological) order. Throws MstfError('INVALID_IR') on
 * the first bad node, naming it and the reason.
 */
export function inferShapes(ir: NetworkIR): Map<string, NodeShape> {
  if (!ir || !Array.isArray(ir.nodes) || ir.nodes.length === 0) {
    throw new MstfError('INVALID_IR', 'network IR has no nodes');
  }
  const shapes = new Map<string, NodeShape>();
  ir.nodes.forEach((node, index) => {
    if (!node || typeof node.id !== 'string' || node.id === '') {
      throw new MstfError('INVALID_IR', `node #${index}: missing id`);
    }
    if (shapes.has(node.id)) fail(node, 'duplicate node id');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the message shows the name pattern literally
    if (node.id.includes('/')) fail(node, 'node ids may not contain "/" (parameter names are `${id}/${role}`)');
    if (index === 0 && node.op !== 'input') fail(node, "the first node must be the 'input' node");
    if (index > 0 && node.op === 'input') fail(node, "only the first node may be an 'input' node");
    if (!Array.isArray(node.inputs)) fail(node, 'inputs must be an array of node ids');
    const ins = node.inputs.map((id, i) => {
      const s = shapes.get(id);
      if (!s) {
        const later = ir.nodes.some((n) => n.id === id);
        fail(
          node,
          `input ${i} "${id}" ${later ? 'comes later in the node list (nodes must be in topological order)' : 'does not exist'}`,
        );
      }
      return s;
    });
    shapes.set(node.id, nodeShape(node, ins));
  });
  if (!shapes.has(ir.output)) {
    throw new MstfError('INVALID_IR', `output "${ir.output}" is not a node of the network`);
  }
  return shapes;
}

/** Throws MstfError('INVALID_IR', `node "<id>" (<op>): <reason>`) when the IR is not a valid network. */
export function validateIR(ir: NetworkIR): void {
  inferShapes(ir);
}
