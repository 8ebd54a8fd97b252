import { definePlugin } from '../../core/index.js';
import { CbisDdsmDataset } from './cbis.js';

/** CBIS-DDSM mammography (TCIA DICOMs or the Kaggle JPEG release, with the official CSVs), malignant vs benign. */
export default definePlugin({
  name: '@mstf/dataset-cbis-ddsm',
  version: '0.1.0',
  apiVersion: '^1.0.0',
  provides: { dataset: ['cbis-ddsm'] },
  register(ctx) {
    ctx.add('dataset', new CbisDdsmDataset());
  },
});

export { CbisDdsmDataset, lesionSizeOf, valPatients, type CbisSplitData, type LesionSize } from './cbis.js';
