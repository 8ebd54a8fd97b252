export * from './types.js';
export * from './schema.js';
export * from './run-store.js';
export * from './outcome.js';
