import fs from 'node:fs';
import { MstfError } from '../errors.js';
import { bootKernel, type Kernel } from '../kernel/loader.js';
import type { PluginManifest } from '../kernel/plugin.js';
import { resolveSettings } from '../kernel/settings.js';
import { engineOf } from '../engine/select.js';
import { contextFromSpec, evaluateGenotype, type EvaluationContext } from './context.js';
import { mstfVersion, pluginSetLine, specKey, type CandidateEvaluation, type EvaluationSpec } from './spec.js';

/** Contexts kept per thread (a worker serves one search at a time, the MCP pool a few score requests). */
const CONTEXTS_KEPT = 4;

/**
 * What an evaluation worker (a pool thread, an `mstf worker` process) keeps between tasks: kernels booted
 * like the coordinator's (built-ins plus the same config and --plugin plugins) and the contexts built from
 * specs. Refuses a spec from another mstf version or plugin set with one line saying what differs.
 */
export class EvaluationRuntime {
  private readonly kernels = new Map<string, Promise<Kernel>>();
  private readonly contexts = new Map<string, Promise<EvaluationContext>>();
  /** The backend started per engine id (once per process or thread). */
  private readonly backends = new Map<string, Promise<unknown>>();

  constructor(
    private readonly builtins: PluginManifest<any>[],
    /**
     * `boot`: boot this kernel instead of the spec's (an `mstf worker` uses its own mstf.config.json and
     * --plugin, and must end with the coordinator's plugin set). `host`: named in refusals.
     */
    private readonly local: { boot?: EvaluationSpec['boot']; host?: string } = {},
  ) {}

  /** Why this runtime cannot serve the spec (one line), or null. */
  async refusal(spec: EvaluationSpec): Promise<string | null> {
    const where = this.local.host ? `worker ${this.local.host}` : 'worker';
    if (spec.mstfVersion !== mstfVersion()) {
      return `${where} runs mstf ${mstfVersion()} but the search was started with mstf ${spec.mstfVersion}`;
    }
    const kernel = await this.kernel(spec);
    const mine = pluginSetLine(kernel.plugins);
    const theirs = pluginSetLine(spec.plugins);
    if (mine !== theirs) return `${where} has plugins [${mine}] but the search uses [${theirs}]`;
    return null;
  }

  async evaluate(
    spec: EvaluationSpec,
    genotype: string,
    onProgress?: (event: { indicator: string; index: number; total: number }) => void,
  ): Promise<CandidateEvaluation> {
    const ctx = await this.context(spec);
    return evaluateGenotype(ctx, genotype, onProgress);
  }

  private kernel(spec: EvaluationSpec): Promise<Kernel> {
    const boot = this.local.boot ?? spec.boot;
    const key = JSON.stringify(boot);
    let k = this.kernels.get(key);
    if (!k) {
      k = bootKernel({
        settings: resolveSettings({
          cwd: boot.cwd,
          ...(boot.dataDir ? { dataDir: boot.dataDir } : {}),
          ...(boot.engine ? { engine: boot.engine } : {}),
        }),
        builtins: this.builtins,
        extraPlugins: boot.extraPlugins,
        config: boot.config,
      });
      k.catch(() => this.kernels.delete(key));
      this.kernels.set(key, k);
    }
    return k;
  }

  private context(spec: EvaluationSpec): Promise<EvaluationContext> {
    const key = specKey(spec);
    let c = this.contexts.get(key);
    if (!c) {
      c = (async () => {
        const refused = await this.refusal(spec);
        if (refused) throw new MstfError('WORKER_REFUSED', refused);
        const kernel = await this.kernel(spec);
        // The spec's engine, on this worker's backend choice (the numbers depend on both).
        const engine = engineOf(kernel, spec.boot.engine);
        let ready = this.backends.get(engine.id);
        if (!ready) {
          ready = engine.ready((this.local.boot ?? spec.boot).backend);
          this.backends.set(engine.id, ready);
        }
        await ready;
        // The coordinator's data directory when this machine has it, else this worker's own.
        const theirs = spec.batch?.source === 'dataset' ? spec.batch.dataDir : undefined;
        const dataDir = theirs && fs.existsSync(theirs) ? theirs : kernel.settings.dataDir;
        return contextFromSpec(kernel, spec, dataDir);
      })();
      c.catch(() => this.contexts.delete(key));
      this.contexts.set(key, c);
      while (this.contexts.size > CONTEXTS_KEPT) this.contexts.delete(this.contexts.keys().next().value!);
    }
    return c;
  }
}
