export * from './genes.js';
export * from './hash.js';
export * from './context.js';
export * from './svg.js';
export * from './describe.js';
