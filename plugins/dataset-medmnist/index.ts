import { definePlugin } from '../../core/index.js';
import { MedMnistDataset } from './medmnist.js';
import { MEDMNIST_SUBSETS } from './subsets.js';

/** The twelve 2D MedMNIST subsets (28/64/128/224), read from the official .npz files. */
export default definePlugin({
  name: '@mstf/dataset-medmnist',
  version: '0.1.0',
  apiVersion: '^1.0.0',
  provides: { dataset: MEDMNIST_SUBSETS.map((s) => s.flag) },
  register(ctx) {
    for (const subset of MEDMNIST_SUBSETS) ctx.add('dataset', new MedMnistDataset(subset));
  },
});

export { MedMnistDataset } from './medmnist.js';
export { MEDMNIST_SUBSETS, fileNameFor, officialUrl } from './subsets.js';
