export * from './plugin.js';
export * from './registry.js';
export * from './tokens.js';
export * from './settings.js';
export * from './loader.js';
export * from './services.js';
export * from './options.js';
