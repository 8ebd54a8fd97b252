export * from './config.js';
export * from './events.js';
export * from './seeds.js';
export * from './setup.js';
export * from './service.js';
