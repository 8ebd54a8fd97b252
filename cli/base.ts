import 'reflect-metadata';
import { Command, Flags, type Interfaces } from '@oclif/core';
import { bootKernel, resolveSettings, type Kernel } from '../core/kernel/index.js';
import { MstfError, errorLine } from '../core/errors.js';
import { builtinPlugins } from '../plugins/index.js';

/**
 * Every `mstf` command extends this: common flags, kernel boot (built-in + configured plugins),
 * and errors printed as one clear line (stack with --verbose). Commands parse, validate, call core
 * and render; nothing else.
 */
export abstract class MstfCommand<T extends typeof Command> extends Command {
  static override baseFlags = {
    plugin: Flags.string({
      description: 'load a third-party plugin (module name or path); repeatable',
      multiple: true,
      helpGroup: 'GLOBAL',
    }),
    option: Flags.string({
      description:
        'set an extension option, <kind>.<id>.<key>=<value> (value parsed as JSON when it parses, else a string); repeatable; wins over mstf.config.json',
      multiple: true,
      // One value per --option: a positional argument after it stays an argument.
      multipleNonGreedy: true,
      helpGroup: 'GLOBAL',
    }),
    backend: Flags.string({
      description: 'tensor backend: tensorflow | wasm | cpu (default: best available; env MSTF_BACKEND)',
      helpGroup: 'GLOBAL',
    }),
    engine: Flags.string({
      description: 'engine extension that builds and runs networks (default: tfjs; env MSTF_ENGINE)',
      helpGroup: 'GLOBAL',
    }),
    'data-dir': Flags.string({
      description: 'dataset directory (env MSTF_DATA_DIR; default: per-user cache)',
      helpGroup: 'GLOBAL',
    }),
    store: Flags.string({
      description: 'run store file (env MSTF_STORE; default: .mstf/mstf.db in the working directory)',
      helpGroup: 'GLOBAL',
    }),
    'strict-data': Flags.boolean({
      description: 'refuse dataset files whose MD5 differs from the official one (default: warn)',
      helpGroup: 'GLOBAL',
      default: false,
    }),
    verbose: Flags.boolean({ description: 'print stack traces on errors', helpGroup: 'GLOBAL', default: false }),
  };

  protected flags!: Interfaces.InferredFlags<(typeof MstfCommand)['baseFlags'] & T['flags']>;
  protected args!: Interfaces.InferredArgs<T['args']>;
  private kernelPromise?: Promise<Kernel>;
  /** Commands that only read the run store set this: it is then opened read-only (see RunStore.open). */
  static readOnlyStore = false;

  public override async init(): Promise<void> {
    await super.init();
    const { args, flags } = await this.parse({
      flags: this.ctor.flags,
      baseFlags: (super.ctor as typeof MstfCommand).baseFlags,
      args: this.ctor.args,
      strict: this.ctor.strict,
    });
    this.flags = flags as typeof this.flags;
    this.args = args as typeof this.args;
  }

  /** Settings from the global flags and environment. */
  protected get settings() {
    return resolveSettings({
      dataDir: this.flags['data-dir'],
      store: this.flags.store,
      backend: this.flags.backend,
      engine: this.flags.engine,
      strictData: this.flags['strict-data'],
      readOnlyStore: (this.ctor as unknown as typeof MstfCommand).readOnlyStore,
    });
  }

  /** The booted kernel (built-in plugins, mstf.config.json, --plugin), created once per command. */
  protected kernel(): Promise<Kernel> {
    this.kernelPromise ??= bootKernel({
      settings: this.settings,
      builtins: builtinPlugins,
      extraPlugins: this.flags.plugin ?? [],
      options: this.flags.option ?? [],
    });
    return this.kernelPromise;
  }

  /** The kernel's store and services are closed when the command ends, however it ends. */
  protected override async finally(err: Error | undefined): Promise<unknown> {
    const booting = this.kernelPromise;
    if (booting) await booting.then((k) => k.dispose()).catch(() => {});
    return super.finally(err);
  }

  /** Print a JSON value on one line (machine-readable output for --json). */
  protected printJson(value: unknown): void {
    process.stdout.write(`${JSON.stringify(value)}\n`);
  }

  protected override async catch(
    err: Error & { code?: string; exitCode?: number; oclif?: { exit?: number } },
  ): Promise<unknown> {
    // this.exit() and oclif's own exits keep their behaviour.
    if (err.code === 'EEXIT') return super.catch(err);
    const verbose = process.argv.includes('--verbose');
    if (err.oclif?.exit !== undefined && !(err instanceof MstfError)) {
      // Flag and argument parsing: one line like every other error (oclif prints several, with a help hint).
      process.stderr.write(`mstf: INVALID_ARGUMENT: ${err.message.split('\n')[0]!.trim()} (see --help)\n`);
      process.exitCode = err.oclif.exit || 2;
    } else {
      process.stderr.write(`${errorLine(err)}\n`);
      process.exitCode = err instanceof MstfError ? 1 : 2;
    }
    if (verbose && err.stack) process.stderr.write(`${err.stack}\n`);
    this.exit(process.exitCode);
  }
}
