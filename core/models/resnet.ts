/**
 * ResNet-18 / ResNet-50 in the MedMNIST 28x28 form (MedMNIST's experiments/models.py): the ImageNet stem
 * (7x7 stride-2 conv + 3x3 max-pool) is replaced by a 3x3 stride-1 conv with padding 1 and no pool; the four
 * stages have widths 64, 128, 256, 512 (x4 for Bottleneck), strides 1, 2, 2, 2; BasicBlock [2, 2, 2, 2]
 * (ResNet-18) or Bottleneck [3, 4, 6, 3] (ResNet-50, stride on the 3x3 conv as torchvision v1.5); a
 * projection shortcut (1x1 conv + BN) wherever the shape changes; global average pooling; a linear layer.
 * Convs have no bias (each is followed by BN); paddings are PyTorch's explicit ones, so 28 -> 14 -> 7 -> 4.
 */
import { MstfError } from '../errors.js';
import type { FeatureShape, IRNode, NetworkIR } from '../ir/types.js';

export type ResNetDepth = 'resnet18' | 'resnet50';

export interface ResNetOptions {
  inputShape: FeatureShape;
  classes: number;
}

const STAGES: Record<ResNetDepth, { block: 'basic' | 'bottleneck'; counts: number[]; expansion: number }> = {
  resnet18: { block: 'basic', counts: [2, 2, 2, 2], expansion: 1 },
  resnet50: { block: 'bottleneck', counts: [3, 4, 6, 3], expansion: 4 },
};
const WIDTHS = [64, 128, 256, 512];

/** Builds nodes in topological order; each helper returns the id of the node it added last. */
class Builder {
  readonly nodes: IRNode[] = [];

  constructor(input: FeatureShape) {
    this.nodes.push({ id: 'input', op: 'input', inputs: [], shape: input });
  }

  conv(id: string, from: string, filters: number, k: number, stride: number, group: string): string {
    this.nodes.push({
      id,
      op: 'conv',
      inputs: [from],
      filters,
      kernel: [k, k],
      stride,
      padding: (k - 1) / 2,
      bias: false,
      group,
      label: `conv ${k}x${k}${stride > 1 ? ` /${stride}` : ''}`,
    });
    return id;
  }

  bn(id: string, from: string, group: string): string {
    this.nodes.push({ id, op: 'batchnorm', inputs: [from], group, label: 'bn' });
    return id;
  }

  relu(id: string, from: string, group: string): string {
    this.nodes.push({ id, op: 'relu', inputs: [from], group, label: 'relu' });
    return id;
  }

  add(id: string, a: string, b: string, group: string): string {
    this.nodes.push({ id, op: 'add', inputs: [a, b], group, label: 'add' });
    return id;
  }

  /** conv -> BN (-> ReLU). */
  convBn(name: string, from: string, filters: number, k: number, stride: number, group: string, relu: boolean): string {
    const c = this.conv(`${name}.conv`, from, filters, k, stride, group);
    const b = this.bn(`${name}.bn`, c, group);
    return relu ? this.relu(`${name}.relu`, b, group) : b;
  }
}

/** The NetworkIR of a MedMNIST-form ResNet for the given input shape [H, W, C] and class count. */
export function resnetIR(depth: ResNetDepth, opts: ResNetOptions): NetworkIR {
  const spec = STAGES[depth];
  if (!spec) throw new MstfError('INVALID_ARGUMENT', `unknown ResNet "${String(depth)}" (known: resnet18, resnet50)`);
  if (!Number.isInteger(opts.classes) || opts.classes < 1) {
    throw new MstfError('INVALID_ARGUMENT', `${depth}: classes must be a positive integer, got ${opts.classes}`);
  }
  const b = new Builder(opts.inputShape);
  let x = b.convBn('stem', 'input', 64, 3, 1, 'stem', true);
  let inChannels = 64;

  spec.counts.forEach((count, s) => {
    const width = WIDTHS[s]!;
    const outChannels = width * spec.expansion;
    for (let i = 0; i < count; i++) {
      const stride = i === 0 && s > 0 ? 2 : 1;
      const name = `layer${s + 1}.block${i}`;
      let y: string;
      if (spec.block === 'basic') {
        y = b.convBn(`${name}.a`, x, width, 3, stride, name, true);
        y = b.convBn(`${name}.b`, y, width, 3, 1, name, false);
      } else {
        y = b.convBn(`${name}.a`, x, width, 1, 1, name, true);
        y = b.convBn(`${name}.b`, y, width, 3, stride, name, true);
        y = b.convBn(`${name}.c`, y, outChannels, 1, 1, name, false);
      }
      const shortcut =
        stride !== 1 || inChannels !== outChannels ? b.convBn(`${name}.shortcut`, x, outChannels, 1, stride, name, false) : x;
      x = b.relu(`${name}.out`, b.add(`${name}.add`, y, shortcut, name), name);
      inChannels = outChannels;
    }
  });

  b.nodes.push({ id: 'gap', op: 'gap', inputs: [x], group: 'head', label: 'global avg pool' });
  b.nodes.push({ id: 'fc', op: 'dense', inputs: ['gap'], units: opts.classes, bias: true, group: 'head', label: 'linear' });
  return { nodes: b.nodes, output: 'fc', meta: { model: depth, form: 'medmnist-28' } };
}
