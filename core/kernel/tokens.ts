import type { InjectionToken } from 'tsyringe';
import type { ExtensionKind } from '../contracts/extension.js';
import type { ExtensionRegistry } from './registry.js';
import type { SearchSpace } from '../contracts/search-space.js';
import type { Indicator } from '../contracts/indicator.js';
import type { ObjectiveBuilder } from '../contracts/objective.js';
import type { Optimizer } from '../contracts/optimizer.js';
import type { Dataset } from '../contracts/dataset.js';
import type { Executor } from '../contracts/executor.js';
import type { Engine } from '../contracts/engine.js';

/** The extension type of each kind. */
export interface ExtensionTypes {
  searchSpace: SearchSpace<any>;
  indicator: Indicator<any>;
  objective: ObjectiveBuilder<any>;
  optimizer: Optimizer<any>;
  dataset: Dataset<any>;
  executor: Executor<any>;
  engine: Engine;
}

/** One injection token per extension point; each resolves to that kind's (frozen) registry. */
export const Tokens = {
  searchSpace: Symbol.for('mstf.searchSpace') as InjectionToken<ExtensionRegistry<'searchSpace'>>,
  indicator: Symbol.for('mstf.indicator') as InjectionToken<ExtensionRegistry<'indicator'>>,
  objective: Symbol.for('mstf.objective') as InjectionToken<ExtensionRegistry<'objective'>>,
  optimizer: Symbol.for('mstf.optimizer') as InjectionToken<ExtensionRegistry<'optimizer'>>,
  dataset: Symbol.for('mstf.dataset') as InjectionToken<ExtensionRegistry<'dataset'>>,
  executor: Symbol.for('mstf.executor') as InjectionToken<ExtensionRegistry<'executor'>>,
  engine: Symbol.for('mstf.engine') as InjectionToken<ExtensionRegistry<'engine'>>,
} satisfies Record<ExtensionKind, InjectionToken<unknown>>;

/** Kernel-wide settings (working directory, data dir, store path, backend choice). */
export const SettingsToken = Symbol.for('mstf.settings') as InjectionToken<import('./settings.js').Settings>;

/** The plugins the kernel loaded and what it was booted from (core/kernel/loader.ts BootInfo). */
export const BootToken = Symbol.for('mstf.boot') as InjectionToken<import('./loader.js').BootInfo>;
