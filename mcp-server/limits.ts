/**
 * What one MCP server lets its clients start and send: admission control for searches and trainings (how many
 * run at once, budgets, an estimated-memory check) and the transport limits (message size, HTTP sessions).
 * Defaults here; `mcp` in mstf.config.json and the flags of `mstf mcp` override them (flags win).
 * The CLI itself is not limited: these protect a server from what a client (an assistant, a script) asks.
 */
import os from 'node:os';
import { z } from 'zod';
import { MstfError, zodLine } from '../core/errors.js';
import type { NetworkIR } from '../core/ir/types.js';
import { estimateBytes } from '../core/memory/estimate.js';
import type { Kernel } from '../core/kernel/loader.js';
import { resolveSearchConfig, totalEvaluations } from '../core/search/config.js';
import { resolveSetup } from '../core/search/setup.js';
import { Rng } from '../core/util/rng.js';

export interface McpLimits {
  /** Searches and trainings started by this server that may run at once. */
  maxJobs: number;
  /** Candidates one search may evaluate (population + offspring x (generations - 1)). */
  maxCandidates: number;
  /** Initial channels C0 of a searched or trained architecture. */
  maxChannels: number;
  /** Images in a search's indicator batch or a training's mini-batch. */
  maxBatchSize: number;
  /** Epochs of one training. */
  maxEpochs: number;
  /** Estimated memory one job may need (MiB); see estimateJobBytes. */
  maxMemoryMiB: number;
  /** Bytes of one JSON-RPC message (stdio line or HTTP body). */
  maxMessageBytes: number;
  /** Streamable HTTP sessions open at once. */
  maxSessions: number;
  /** A Streamable HTTP session with no request for this long is closed (seconds). */
  sessionIdleSeconds: number;
}

/**
 * Defaults: the paper preset (1,200 candidates, C0 128, batch 64; trainings of 100 epochs, batch 128) fits with
 * room to spare; what a laptop cannot finish (10,000 x 10,000 candidates, C0 4096) does not. Memory: half of
 * this machine's RAM per job.
 */
export function defaultLimits(totalMemBytes = os.totalmem()): McpLimits {
  return {
    maxJobs: 4,
    maxCandidates: 5000,
    maxChannels: 256,
    maxBatchSize: 512,
    maxEpochs: 300,
    maxMemoryMiB: Math.floor(totalMemBytes / 2 / 2 ** 20),
    maxMessageBytes: 4 * 2 ** 20,
    maxSessions: 32,
    sessionIdleSeconds: 600,
  };
}

const count = z.number().int().min(1);
/** `mcp` in mstf.config.json: every key optional, unknown keys refused (a typo must not lift a limit). */
export const McpLimitsSchema = z.strictObject({
  maxJobs: count.optional(),
  maxCandidates: count.optional(),
  maxChannels: count.optional(),
  maxBatchSize: count.optional(),
  maxEpochs: count.optional(),
  maxMemoryMiB: count.optional(),
  maxMessageBytes: z.number().int().min(1024).optional(),
  maxSessions: count.optional(),
  sessionIdleSeconds: z.number().positive().optional(),
});
export type McpLimitsInput = z.infer<typeof McpLimitsSchema>;

/** Defaults, then mstf.config.json's `mcp`, then flags (undefined: not given). */
export function resolveLimits(fromConfig: unknown, fromFlags: Partial<McpLimits> = {}): McpLimits {
  const parsed = McpLimitsSchema.safeParse(fromConfig ?? {});
  if (!parsed.success) throw new MstfError('INVALID_ARGUMENT', `mstf.config.json: mcp: ${zodLine(parsed.error)}`);
  const out = { ...defaultLimits() };
  for (const src of [parsed.data, fromFlags] as Partial<McpLimits>[]) {
    for (const [k, v] of Object.entries(src)) if (v !== undefined) (out as Record<string, number>)[k] = v;
  }
  return out;
}

/** A process this server started; exitCode() is null while it runs. */
interface RunningJob {
  exitCode(): number | null;
}

/**
 * Peak memory of a job, estimated from its network: one backward pass of a batch (core/memory/estimate.ts
 * 'backward', the indicator runner's estimate), for searches and trainings alike.
 */
export function estimateJobBytes(ir: NetworkIR, batchSize: number): number {
  return estimateBytes(ir, 'backward', batchSize);
}

/** Architectures sampled for a search's memory estimate. */
const SAMPLES = 8;

const mib = (bytes: number) => `${Math.ceil(bytes / 2 ** 20)} MiB`;

/**
 * The admission check at the top of start_search / start_training: refuses (one MstfError line naming the
 * limit and how to change it) what would exceed a limit, before anything is stored or spawned.
 */
export class Admission {
  constructor(
    readonly limits: McpLimits,
    private readonly jobs: () => Iterable<RunningJob>,
  ) {}

  /** Jobs started by this server whose process still runs. */
  running(): number {
    let n = 0;
    for (const j of this.jobs()) if (j.exitCode() === null) n++;
    return n;
  }

  /** start_search: budgets of the resolved config, and memory of a few sampled networks of its space. */
  checkSearch(kernel: Kernel, input: unknown): void {
    const config = resolveSearchConfig(input);
    this.check('start_search', {
      candidates: totalEvaluations(config),
      channels: config.channels,
      batchSize: config.batchSize,
      network: () => {
        const setup = resolveSetup(kernel, config);
        if (!setup.needsData) return undefined; // no batch goes through the network
        // Architectures of a space differ in size: the largest of a few samples stands for the search.
        const rng = new Rng(config.seed);
        let largest: NetworkIR | undefined;
        let most = -1;
        for (let k = 0; k < SAMPLES; k++) {
          const ir = setup.space.decode(setup.space.sample(rng));
          const bytes = estimateJobBytes(ir, 1);
          if (bytes > most) [largest, most] = [ir, bytes];
        }
        return largest;
      },
    });
  }

  check(
    tool: 'start_search' | 'start_training',
    want: {
      candidates?: number;
      channels?: number;
      batchSize?: number;
      epochs?: number;
      network?: () => NetworkIR | undefined;
    },
  ): void {
    const L = this.limits;
    const refuse = (what: string, flag: string) => {
      throw new MstfError(
        'LIMIT',
        `${tool}: ${what} (change with \`mstf mcp --${flag}\` or "mcp" in mstf.config.json)`,
      );
    };
    const running = this.running();
    if (running >= L.maxJobs) {
      refuse(
        `${running} searches and trainings started by this server are running, the limit is ${L.maxJobs}; wait for one to end or cancel one`,
        'max-jobs',
      );
    }
    if (want.candidates !== undefined && want.candidates > L.maxCandidates) {
      refuse(`${want.candidates} candidates is over the limit of ${L.maxCandidates} per search`, 'max-candidates');
    }
    if (want.channels !== undefined && want.channels > L.maxChannels) {
      refuse(`channels ${want.channels} is over the limit of ${L.maxChannels}`, 'max-channels');
    }
    if (want.batchSize !== undefined && want.batchSize > L.maxBatchSize) {
      refuse(`batch size ${want.batchSize} is over the limit of ${L.maxBatchSize}`, 'max-batch-size');
    }
    if (want.epochs !== undefined && want.epochs > L.maxEpochs) {
      refuse(`${want.epochs} epochs is over the limit of ${L.maxEpochs}`, 'max-epochs');
    }
    const ir = want.network?.();
    if (ir && want.batchSize !== undefined) {
      const bytes = estimateJobBytes(ir, want.batchSize);
      if (bytes > L.maxMemoryMiB * 2 ** 20) {
        refuse(
          `the network needs about ${mib(bytes)} for a batch of ${want.batchSize}, over the limit of ${L.maxMemoryMiB} MiB; use a smaller batch or fewer channels`,
          'max-memory',
        );
      }
    }
  }
}
