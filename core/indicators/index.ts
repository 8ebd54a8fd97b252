export * from './runner.js';
export * from './select.js';
export * from './score-genotype.js';
export * from './nb201-validation.js';
