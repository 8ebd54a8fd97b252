export * from './extension.js';
export * from './engine.js';
export * from './search-space.js';
export * from './dataset.js';
export * from './indicator.js';
export * from './objective.js';
export * from './optimizer.js';
export * from './executor.js';
