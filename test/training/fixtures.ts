import type { Dataset, DatasetInfo, SplitData, TaskType } from '../../core/contracts/dataset.js';
import type { NetworkIR } from '../../core/ir/types.js';
import { Rng } from '../../core/util/rng.js';

/** A tiny conv net: conv 3x3 /2 -> BN -> ReLU -> GAP -> dense. */
export function tinyIR(size: number, channels: number, classes: number, width = 8): NetworkIR {
  return {
    nodes: [
      { id: 'input', op: 'input', inputs: [], shape: [size, size, channels] },
      { id: 'c1', op: 'conv', inputs: ['input'], filters: width, kernel: [3, 3], stride: 2, padding: 1 },
      { id: 'b1', op: 'batchnorm', inputs: ['c1'] },
      { id: 'r1', op: 'relu', inputs: ['b1'] },
      { id: 'g', op: 'gap', inputs: ['r1'] },
      { id: 'fc', op: 'dense', inputs: ['g'], units: classes },
    ],
    output: 'fc',
  };
}

/**
 * A learnable synthetic split: class c images are noise plus a bright square whose size grows with c
 * (multi-label: label j switches on quadrant j).
 */
export function syntheticSplit(n: number, size: number, task: TaskType, classes: number, seed: number): SplitData {
  const rng = new Rng(seed);
  const labelWidth = task === 'multi-label' ? classes : 1;
  const images = new Uint8Array(n * size * size);
  const labels = new Int32Array(n * labelWidth);
  for (let i = 0; i < n; i++) {
    const img = images.subarray(i * size * size, (i + 1) * size * size);
    for (let p = 0; p < img.length; p++) img[p] = Math.floor(rng.next() * 80);
    if (task === 'multi-label') {
      for (let j = 0; j < classes; j++) {
        const on = rng.next() < 0.5 ? 1 : 0;
        labels[i * classes + j] = on;
        if (!on) continue;
        const y0 = (j >> 1) * (size / 2);
        const x0 = (j & 1) * (size / 2);
        for (let y = y0; y < y0 + size / 2; y++) for (let x = x0; x < x0 + size / 2; x++) img[y * size + x] = 200;
      }
    } else {
      const c = i % classes;
      labels[i] = c;
      const half = Math.floor(((c + 1) * size) / (2 * (classes + 1)));
      for (let y = size / 2 - half; y < size / 2 + half; y++)
        for (let x = size / 2 - half; x < size / 2 + half; x++) img[y * size + x] = 220;
    }
  }
  return { images, shape: [n, size, size, 1], labels, labelWidth };
}

export function syntheticDataset(task: TaskType, classes: number): Pick<Dataset, 'normalise' | 'info'> {
  const info: DatasetInfo = {
    id: 'synthetic',
    task,
    classes,
    labelNames: Array.from({ length: classes }, (_, i) => `c${i}`),
    channels: 1,
    splits: { train: 0, val: 0, test: 0 },
    sizes: [16],
    description: 'synthetic squares',
  };
  return {
    info,
    normalise: (px: Uint8Array) => Float32Array.from(px, (v) => (v / 255 - 0.5) / 0.5),
  };
}
