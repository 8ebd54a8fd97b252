import fs from 'node:fs';
import path from 'node:path';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { SearchConfigSchema } from '../../core/search/config.js';
import { SEARCH_STATUSES } from '../../core/store/types.js';
import type { McpContext } from '../context.js';
import { lastLogLine, spawnMstf } from '../detached.js';
import { guarded, ok } from '../result.js';
import { listSearchSummaries, searchService } from '../searches.js';

const searchId = z.string().min(1).describe('the id start_search returned (list_searches shows them all)');
const status = z.enum(SEARCH_STATUSES);
const scoreMap = z.record(z.string(), z.number().nullable());

const architecture = {
  genotype: z.string(),
  hash: z.string(),
  scores: scoreMap.describe('raw indicator values (null: failed or not finite)'),
  flops: z.number().nullable(),
  params: z.number().nullable(),
};
const paretoMember = z.object({
  ...architecture,
  objectives: z.array(z.number().nullable()).describe('objectives (minimised) over the last generation pool'),
  normalised: z.record(z.string(), z.number().nullable()),
  violation: z.number(),
});

export const summaryShape = z.object({
  id: z.string(),
  status,
  dataset: z.string(),
  generation: z.number().describe('last checkpointed generation (-1: none yet)'),
  generations: z.number(),
  evaluated: z.number(),
  total: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

const statusShape = {
  id: z.string(),
  status,
  generation: z.number().describe('last checkpointed generation (0-based; -1: none yet)'),
  generations: z.number(),
  evaluated: z.number().describe('candidates stored so far'),
  total: z.number().describe('candidates the search stores in all'),
  best: scoreMap.describe('best raw value per indicator so far'),
  etaSeconds: z.number().nullable(),
  heartbeat: z.string().nullable(),
  pid: z.number().nullable(),
  alive: z.boolean().describe('a live process runs it now'),
  error: z.string().nullable(),
  logFile: z.string().nullable().describe('output of the background process'),
};

const TERMINAL = new Set(['completed', 'failed', 'cancelled']);

/**
 * start_search launches a detached `mstf runs resume <id>` writing to the server's run store and returns at
 * once; the other tools read that store through the SearchService, so they show exactly what the CLI shows.
 */
export function registerSearchTools(server: McpServer, ctx: McpContext): void {
  server.registerTool(
    'start_search',
    {
      title: 'Start a search',
      description:
        'Validate a search configuration (the options of `mstf search`), store it as a queued search and run it ' +
        'in a detached background process that writes to the run store and outlives this connection. Returns ' +
        '{searchId, status} at once; follow it with get_search_status or subscribe to mstf://searches/{id}. ' +
        'preset "cpu" (default) takes minutes on a laptop; "paper" is the paper budget (population 40, 30 generations, C0 128).',
      inputSchema: SearchConfigSchema.extend({
        workers: z.number().int().min(1).optional().describe('executor pool: worker threads (default: available cores)'),
        redis: z.string().min(1).optional().describe('executor bullmq: Redis URL redis://HOST:PORT where `mstf worker` processes take the jobs'),
      }),
      outputSchema: { searchId: z.string(), status, pid: z.number(), logFile: z.string() },
    },
    async ({ workers, redis, ...config }) =>
      guarded(() => {
        if (redis !== undefined && config.executor !== 'bullmq') throw new Error('redis: give executor "bullmq" too');
        if (config.executor === 'bullmq' && redis === undefined) throw new Error('executor "bullmq" needs redis (redis://HOST:PORT)');
        const executorFlags = [...(workers !== undefined ? ['--workers', String(workers)] : []), ...(redis !== undefined ? ['--redis', redis] : [])];
        const input: Record<string, unknown> = { ...config };
        if (typeof input.dataDir === 'string') input.dataDir = ctx.guard.resolve('dataDir', input.dataDir);
        const dataDir = (input.dataDir as string | undefined) ?? ctx.settings.dataDir;
        const service = searchService(ctx);
        const id = service.create(input);
        const logFile = logFileOf(ctx, id);
        const child = spawnMstf(
          ['runs', 'resume', id, '--store', ctx.settings.storePath, '--json', ...executorFlags, ...withDataDir(ctx.childFlags, dataDir)],
          { cwd: ctx.settings.cwd, logFile },
        );
        ctx.processes.set(id, child);
        ctx.log(`search ${id} started (pid ${child.pid}, log ${logFile})`);
        return ok({ searchId: id, status: service.status(id).status, pid: child.pid, logFile });
      }),
  );

  server.registerTool(
    'get_search_status',
    {
      title: 'Search status',
      description:
        'Status of a search (queued | running | completed | failed | cancelled), last finished generation, ' +
        'candidates evaluated of total, best raw score per indicator so far, estimated seconds left, and whether ' +
        'a live process runs it.',
      inputSchema: { searchId },
      outputSchema: statusShape,
      annotations: { readOnlyHint: true },
    },
    async ({ searchId: id }) => guarded(() => ok(statusWithProcess(ctx, id))),
  );

  server.registerTool(
    'get_pareto_front',
    {
      title: 'Pareto front',
      description:
        'The final Pareto front of a completed search: genotype, hash, raw scores, FLOPs, params, objectives and ' +
        'normalised values of each member; empty until the search completes. The same `pareto` array as ' +
        '`mstf runs show <id> --json`.',
      inputSchema: { searchId },
      outputSchema: { searchId: z.string(), status, pareto: z.array(paretoMember) },
      annotations: { readOnlyHint: true },
    },
    async ({ searchId: id }) =>
      guarded(() => {
        const shown = searchService(ctx).show(id);
        return ok({ searchId: shown.searchId, status: shown.status, pareto: shown.pareto });
      }),
  );

  server.registerTool(
    'get_selected_architecture',
    {
      title: 'Selected architecture',
      description:
        'The architecture a completed search picked (highest p1 + p2 in the last population): genotype, hash, raw ' +
        'scores, FLOPs, params; null until it completes. The same `selected` as `mstf runs show <id> --json`; ' +
        'pass its genotype to describe_architecture or start_training.',
      inputSchema: { searchId },
      outputSchema: { searchId: z.string(), status, selected: z.object(architecture).nullable() },
      annotations: { readOnlyHint: true },
    },
    async ({ searchId: id }) =>
      guarded(() => {
        const shown = searchService(ctx).show(id);
        return ok({ searchId: shown.searchId, status: shown.status, selected: shown.selected });
      }),
  );

  server.registerTool(
    'cancel_search',
    {
      title: 'Cancel a search',
      description:
        'Stop a queued or running search: its process stores the candidate in flight, checkpoints and ends ' +
        '"cancelled" (a cancelled search can be resumed with `mstf runs resume <id>`). Idempotent: cancelling a ' +
        'cancelled or finished search changes nothing and reports its status.',
      inputSchema: { searchId },
      outputSchema: statusShape,
      annotations: { idempotentHint: true, destructiveHint: false },
    },
    async ({ searchId: id }) =>
      guarded(() => {
        const { status: after, signalled } = searchService(ctx).cancel(id);
        // A process this server started may not have claimed the search yet (still booting): the service
        // cannot see it, so stop it here before it runs a search that is already cancelled. Only when the
        // service sent no signal itself: a second SIGTERM makes a search process exit without cleaning up.
        const child = ctx.processes.get(id);
        if (signalled) child?.noteTerminated();
        else if (after === 'cancelled') child?.terminate();
        return ok(statusWithProcess(ctx, id));
      }),
  );

  server.registerTool(
    'list_searches',
    {
      title: 'List searches',
      description: 'Every search in the run store, newest first: id, status, dataset, generation, progress, dates.',
      inputSchema: {},
      outputSchema: { store: z.string(), searches: z.array(summaryShape) },
      annotations: { readOnlyHint: true },
    },
    async () => guarded(() => ok({ store: ctx.settings.storePath, searches: listSearchSummaries(ctx) })),
  );
}

function logFileOf(ctx: McpContext, id: string): string {
  return path.join(ctx.stateDir, 'logs', `${id}.log`);
}

/**
 * The service's status, plus what only this server knows: the log of the background process and, when a
 * process it started died before the search reached an end state, its exit code and last log line (a search
 * whose process never got to claim it would otherwise look queued forever).
 */
function statusWithProcess(ctx: McpContext, id: string) {
  const s = searchService(ctx).status(id);
  const child = ctx.processes.get(id);
  const logFile = child?.logFile ?? logFileOf(ctx, id);
  let error = s.error;
  const code = child?.exitCode() ?? null;
  if (code !== null && code !== 0 && !TERMINAL.has(s.status) && !s.alive) {
    error = `the search process exited with code ${code}: ${lastLogLine(logFile) || 'no output'} (log: ${logFile})`;
  }
  return { ...s, error, logFile: fs.existsSync(logFile) ? logFile : null };
}

/** The child flags with the search's own data directory in place of the server's. */
function withDataDir(flags: string[], dataDir: string): string[] {
  const out = [...flags];
  const i = out.indexOf('--data-dir');
  if (i >= 0) out[i + 1] = dataDir;
  else out.push('--data-dir', dataDir);
  return out;
}
