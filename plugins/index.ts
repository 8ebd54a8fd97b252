import type { PluginManifest } from '../core/index.js';
import datasetCbisDdsm from './dataset-cbis-ddsm/index.js';
import datasetMedmnist from './dataset-medmnist/index.js';
import engineTfjs from './engine-tfjs/index.js';
import executorBullmq from './executor-bullmq/index.js';
import executorLocal from './executor-local/index.js';
import executorPool from './executor-pool/index.js';
import indicators from './indicators/index.js';
import objectives from './objectives/index.js';
import optimizerNsga2 from './optimizer-nsga2/index.js';
import optimizerRandom from './optimizer-random/index.js';
import spaceMstf from './space-mstf/index.js';
import spaceNb201 from './space-nb201/index.js';

/**
 * The built-in plugins, loaded by default. One folder per plugin; each exports one definePlugin(...)
 * manifest as its default export. Add a line per plugin.
 */
export const builtinPlugins: PluginManifest<any>[] = [
  datasetCbisDdsm,
  datasetMedmnist,
  engineTfjs,
  executorBullmq,
  executorLocal,
  executorPool,
  indicators,
  objectives,
  optimizerNsga2,
  optimizerRandom,
  spaceMstf,
  spaceNb201,
];
