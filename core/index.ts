import 'reflect-metadata';
export * from './errors.js';
export * from './util/rng.js';
export * from './contracts/index.js';
export * from './kernel/index.js';
export * from './ir/types.js';
