export * from './dominance.js';
export * from './sort.js';
export * from './crowding.js';
export * from './survival.js';
export * from './hypervolume.js';
export * from './igd.js';
export * from './select.js';
export * from './population.js';
