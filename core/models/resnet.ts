/**
 * ResNet-18 / ResNet-50 in the MedMNIST 28x28 form (MedMNIST's experiments/models.py): the ImageNet stem
 * (7x7 stride-2 conv + 3x3 max-pool) is replaced by a 3x3 stride-1 conv with padding 1 and no pool; the four
 * stages have widths 64, 128, 256, 512 (x4 for Bottleneck), strides 1, 2, 2, 2; BasicBlock [2, 2, 2, 2]
 * (ResNet-18) or Bottleneck [3, 4, 6, 3] (ResNet-50, stride on the 3x3 conv as torchvision v1.5); a
 * projection shortcut (1x1 conv + BN) wherever the shape changes; global average pooling; a linear layer.
 * Convs have no bias (each is followed by BN); paddings are PyTorch's explicit ones, so 28 -> 14 -> 7 -> 4.
 */
import { MstfError } from '../errors.js';
import { IRBuilder } from '../ir/builder.js';
import type { FeatureShape, NetworkIR } from '../ir/types.js';

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

/**
 * conv kxk (PyTorch padding (k-1)/2, no bias) -> BN (-> ReLU), ids `${name}.conv|.bn|.relu`; returns the
 * id of the last node.
 */
function convBn(
  b: IRBuilder,
  name: string,
  from: string,
  filters: number,
  k: number,
  stride: number,
  group: string,
  relu: boolean,
): string {
  const label = `conv ${k}x${k}${stride > 1 ? ` /${stride}` : ''}`;
  const c = b.conv(
    `${name}.conv`,
    from,
    { filters, kernel: k, stride, padding: (k - 1) / 2, bias: false },
    { group, label },
  );
  const n = b.bn(`${name}.bn`, c, { group, label: 'bn' });
  return relu ? b.relu(`${name}.relu`, n, { group, label: 'relu' }) : n;
}

/** The NetworkIR of a MedMNIST-form ResNet for the given input shape [H, W, C] and class count. */
export function resnetIR(depth: ResNetDepth, opts: ResNetOptions): NetworkIR {
  const spec = STAGES[depth];
  if (!spec) throw new MstfError('INVALID_ARGUMENT', `unknown ResNet "${String(depth)}" (known: resnet18, resnet50)`);
  if (!Number.isInteger(opts.classes) || opts.classes < 1) {
    throw new MstfError('INVALID_ARGUMENT', `${depth}: classes must be a positive integer, got ${opts.classes}`);
  }
  const b = new IRBuilder();
  b.input('input', opts.inputShape);
  let x = convBn(b, 'stem', 'input', 64, 3, 1, 'stem', true);
  let inChannels = 64;

  spec.counts.forEach((count, s) => {
    const width = WIDTHS[s]!;
    const outChannels = width * spec.expansion;
    for (let i = 0; i < count; i++) {
      const stride = i === 0 && s > 0 ? 2 : 1;
      const name = `layer${s + 1}.block${i}`;
      let y: string;
      if (spec.block === 'basic') {
        y = convBn(b, `${name}.a`, x, width, 3, stride, name, true);
        y = convBn(b, `${name}.b`, y, width, 3, 1, name, false);
      } else {
        y = convBn(b, `${name}.a`, x, width, 1, 1, name, true);
        y = convBn(b, `${name}.b`, y, width, 3, stride, name, true);
        y = convBn(b, `${name}.c`, y, outChannels, 1, 1, name, false);
      }
      const shortcut =
        stride !== 1 || inChannels !== outChannels
          ? convBn(b, `${name}.shortcut`, x, outChannels, 1, stride, name, false)
          : x;
      x = b.relu(`${name}.out`, b.add(`${name}.add`, [y, shortcut], { group: name, label: 'add' }), {
        group: name,
        label: 'relu',
      });
      inChannels = outChannels;
    }
  });

  const pooled = b.gap('gap', x, { group: 'head', label: 'global avg pool' });
  b.dense('fc', pooled, opts.classes, true, { group: 'head', label: 'linear' });
  return b.build('fc', { model: depth, form: 'medmnist-28' });
}
