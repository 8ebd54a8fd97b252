export * from './spec.js';
export * from './context.js';
export * from './runtime.js';
