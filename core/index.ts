/**
 * The public API of `mstf-nas` (import { ... } from 'mstf-nas'): the kernel and contracts plugin authors
 * need, and the services the CLI and the MCP server are built on. Each area is also a namespace
 * (`data`, `search`, ...) so names never collide. The tensor library is not here: an Engine (contracts) gives it.
 */
import 'reflect-metadata';
export * from './errors.js';
export * from './util/rng.js';
export * from './contracts/index.js';
export * from './kernel/index.js';
export * from './ir/index.js';
// #17a, the engine as an extension: engine selection, and what the built-in indicators use.
export { DEFAULT_ENGINE, engineOf, readyEngine } from './engine/select.js';
export { corrcoefRows, slogdet, symmetricEigenvalues } from './util/linalg.js';
export { SearchService } from './search/service.js';
export { SearchConfigSchema, resolveSearchConfig } from './search/config.js';
export { RunStore } from './store/run-store.js';
export { describeArchitecture, drawArchitecture } from './arch/describe.js';
export { scoreArchitecture } from './indicators/runner.js';
export * as data from './data/index.js';
export * as search from './search/index.js';
export * as store from './store/index.js';
export * as arch from './arch/index.js';
export * as indicators from './indicators/index.js';
export * as pareto from './pareto/index.js';
export * as training from './training/index.js';
export * as evaluation from './evaluation/index.js';
export * as models from './models/index.js';
export * as stats from './util/stats.js';
export * as linalg from './util/linalg.js';

// ---- Plugin kit (#17, part d): everything the built-in plugins import, so an out-of-tree plugin can use the
// same API (`import { ... } from 'mstf-nas'`). Built-in plugins import only from this file (test/plugin-kit).
// `z` is mstf's own zod: a plugin's option schemas then need no zod of their own (docs/decisions.md).
export { z } from 'zod';
export * from './kit/index.js';
export * from './arch/genes.js';
export * from './arch/hash.js';
export * from './arch/context.js';
export * as svg from './arch/svg.js';
export {
  drawArchitecture as drawArchitectureFigure,
  type ArchitectureDrawing,
  type DrawFrame,
  type DrawNode,
  type DrawRow,
} from './figures/architecture.js';
export * from './data/npy.js';
export * from './data/npz.js';
export * from './data/storage.js';
export * from './data/locations.js';
export * from './data/resize.js';
export * from './pareto/dominance.js';
export * from './pareto/population.js';
export * from './evaluation/spec.js';
export * from './evaluation/context.js';
export * from './evaluation/runtime.js';
export * from './util/values.js';
export { writeFileAtomic } from './util/temp.js';
// ---- end of plugin kit
