import { MstfError } from '../errors.js';
import type { ExtensionKind } from '../contracts/extension.js';
import type { ExtensionTypes } from './tokens.js';

export interface RegisteredExtension<K extends ExtensionKind> {
  kind: K;
  extension: ExtensionTypes[K];
  plugin: string;
  version: string;
  /** Options validated by the extension's schema at boot (config file), defaults otherwise. */
  options: unknown;
}

/** The extensions of one kind, by id. Frozen after boot: nothing registers once work starts. */
export class ExtensionRegistry<K extends ExtensionKind> {
  private readonly entries = new Map<string, RegisteredExtension<K>>();
  private frozen = false;

  constructor(readonly kind: K) {}

  add(entry: RegisteredExtension<K>): void {
    if (this.frozen) {
      throw new MstfError(
        'REGISTRY_FROZEN',
        `plugin ${entry.plugin}: cannot register ${this.kind} "${entry.extension.id}" after boot`,
      );
    }
    const existing = this.entries.get(entry.extension.id);
    if (existing) {
      throw new MstfError(
        'PLUGIN_DUPLICATE',
        `plugin ${entry.plugin}: ${this.kind} id "${entry.extension.id}" is already registered by plugin ${existing.plugin}`,
      );
    }
    this.entries.set(entry.extension.id, entry);
  }

  freeze(): void {
    this.frozen = true;
    Object.freeze(this.entries);
  }

  get isFrozen(): boolean {
    return this.frozen;
  }

  has(id: string): boolean {
    return this.entries.has(id);
  }

  /** The extension, or an error listing the known ids. */
  get(id: string): ExtensionTypes[K] {
    return this.entry(id).extension;
  }

  entry(id: string): RegisteredExtension<K> {
    const e = this.entries.get(id);
    if (!e) {
      const known = [...this.entries.keys()].sort().join(', ') || 'none';
      throw new MstfError('UNKNOWN_EXTENSION', `unknown ${this.kind} "${id}" (known: ${known})`);
    }
    return e;
  }

  ids(): string[] {
    return [...this.entries.keys()];
  }

  list(): RegisteredExtension<K>[] {
    return [...this.entries.values()];
  }
}
