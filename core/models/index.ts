/**
 * Fixed (hand-designed) models that `mstf train --model <id>` can train beside searched genotypes.
 * Each builds a NetworkIR for the dataset's input shape and class count, so the engine, FLOPs/params and
 * drawings treat it exactly like a searched architecture.
 */
import { MstfError } from '../errors.js';
import type { FeatureShape, NetworkIR } from '../ir/types.js';
import { resnetIR } from './resnet.js';

export { resnetIR, type ResNetDepth, type ResNetOptions } from './resnet.js';

export interface ModelContext {
  inputShape: FeatureShape;
  classes: number;
}

export interface ModelSource {
  id: string;
  description: string;
  build(ctx: ModelContext): NetworkIR;
}

export const MODEL_SOURCES: readonly ModelSource[] = [
  {
    id: 'resnet18',
    description: 'ResNet-18, MedMNIST 28x28 form (3x3 stride-1 stem, no max-pool), BasicBlock [2,2,2,2]',
    build: (ctx) => resnetIR('resnet18', ctx),
  },
  {
    id: 'resnet50',
    description: 'ResNet-50, MedMNIST 28x28 form (3x3 stride-1 stem, no max-pool), Bottleneck [3,4,6,3]',
    build: (ctx) => resnetIR('resnet50', ctx),
  },
];

export function modelIds(): string[] {
  return MODEL_SOURCES.map((m) => m.id);
}

/** The model source with this id, or a one-line error listing the known ids. */
export function getModelSource(id: string): ModelSource {
  const m = MODEL_SOURCES.find((s) => s.id === id);
  if (!m) throw new MstfError('UNKNOWN_EXTENSION', `unknown model "${id}" (known: ${modelIds().join(', ')})`);
  return m;
}
