export * from './types.js';
export * from './shapes.js';
export * from './cost.js';
export * from './builder.js';
