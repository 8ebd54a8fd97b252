export * from './tf.js';
export * from './backend.js';
export * from './compile.js';
export * from './losses.js';
export * from './optimizers.js';
export * from './ops.js';
export * from './batch.js';
export * from './benchmark-net.js';
