export * from './define.js';
export * from './indicator.js';
