import fs from 'node:fs';
import path from 'node:path';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { ServerNotification, ServerRequest } from '@modelcontextprotocol/sdk/types.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import { z } from 'zod';
import { MstfError } from '../../core/errors.js';
import { SearchConfigSchema } from '../../core/search/config.js';
import { searchStatusReportShape } from '../../core/search/events.js';
import { isSearchAlive } from '../../core/search/service.js';
import { SEARCH_STATUSES } from '../../core/store/types.js';
import { archContextShape, searchArchitectureShape, searchResults, type FrontMember } from '../architectures.js';
import type { McpContext } from '../context.js';
import { lastLogLine, spawnMstf } from '../detached.js';
import { guarded, ok, page } from '../result.js';
import { imageContent, paretoPng } from '../figures.js';
import { estimateSearchSeconds, listSearchSummaries, searchService } from '../searches.js';
import {
  detail,
  DETAIL_SUMMARY_NOTE,
  idempotentRead,
  limitArg,
  cursorArg,
  sleepUnlessAborted,
  TOOL_WRITE,
} from './common.js';

const searchId = z.string().min(1).describe('the id start_search returned (list_searches shows them all)');
const status = z.enum(SEARCH_STATUSES);
const scoreMap = z.record(z.string(), z.number().nullable());

const frontMemberFull = searchArchitectureShape.extend({
  objectives: z.array(z.number().nullable()).describe('objectives (minimised) over the generation pool'),
  normalised: z.record(z.string(), z.number().nullable()),
  violation: z.number(),
});
const frontMemberSummary = z.object({
  hash: z
    .string()
    .describe('pass {searchId, hash} to describe_architecture, score_architecture, start_training or compare'),
  params: z.number().nullable(),
  flops: z.number().nullable(),
  scores: scoreMap,
  selected: z.boolean().optional(),
});

export const summaryShape = z.object({
  id: z.string(),
  status,
  dataset: z.string(),
  generation: z.number().describe('last checkpointed generation (-1: none yet)'),
  generations: z.number(),
  percent: z.number(),
  createdAt: z.string(),
});

/** get_search_status: SearchService.status's fields (one definition, core/search/events.ts) plus the server's. */
const { heartbeat: reportedHeartbeat, pid: reportedPid, ...reported } = searchStatusReportShape;
const statusShape = {
  ...reported,
  percent: z.number().describe('evaluated / total, in percent'),
  pollAfterSeconds: z.number().nullable().describe('when another get_search_status is worth it (null: finished)'),
  heartbeat: reportedHeartbeat.optional().describe('detail "full"'),
  pid: reportedPid.optional().describe('detail "full"'),
  logFile: z.string().nullable().optional().describe('output of the background process (detail "full")'),
};

/** Status at a detail level: summary leaves out what only matters when something goes wrong. */
function shapeStatus(s: ReturnType<typeof statusWithProcess>, level: 'summary' | 'full') {
  if (level === 'full') return s;
  const { heartbeat: _h, pid: _p, logFile: _l, ...rest } = s;
  return rest;
}

const TERMINAL = new Set(['completed', 'failed', 'cancelled']);
/** Longest wait of one get_search_status call (long-poll). */
const MAX_WAIT_S = 30;

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

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
        'Validate a search configuration, store it as a queued search and run it in a detached background ' +
        'process that outlives this connection. Returns at once with the search id, the number of evaluations ' +
        'and an estimated duration; follow it with get_search_status (waitSeconds long-polls). ' +
        'preset "cpu" (default) takes minutes; "paper" is the paper budget (population 40, 30 generations, C0 128).',
      inputSchema: SearchConfigSchema.extend({
        workers: z
          .number()
          .int()
          .min(1)
          .optional()
          .describe('executor pool: worker threads (default: available cores)'),
        redis: z
          .string()
          .min(1)
          .optional()
          .describe('executor bullmq: Redis URL redis://HOST:PORT where `mstf worker` processes take the jobs'),
      }),
      outputSchema: {
        searchId: z.string(),
        status,
        totalEvaluations: z
          .number()
          .describe('candidates the search evaluates: population + offspring x (generations - 1)'),
        estimatedSeconds: z
          .number()
          .nullable()
          .describe('from earlier searches of this store with the same network size and indicators; null: none yet'),
        pid: z.number(),
        logFile: z.string(),
      },
      annotations: TOOL_WRITE,
    },
    async ({ workers, redis, ...config }) =>
      guarded(() => {
        if (redis !== undefined && config.executor !== 'bullmq')
          throw new MstfError('INVALID_ARGUMENT', 'redis: give executor "bullmq" too');
        if (config.executor === 'bullmq' && redis === undefined)
          throw new MstfError('INVALID_ARGUMENT', 'executor "bullmq" needs redis (redis://HOST:PORT)');
        const executorFlags = [
          ...(workers !== undefined ? ['--workers', String(workers)] : []),
          ...(redis !== undefined ? ['--redis', redis] : []),
        ];
        const input: Record<string, unknown> = { ...config };
        if (typeof input.dataDir === 'string') input.dataDir = ctx.guard.resolve('dataDir', input.dataDir);
        const dataDir = (input.dataDir as string | undefined) ?? ctx.settings.dataDir;
        ctx.admission.checkSearch(ctx.kernel, input);
        const service = searchService(ctx);
        const id = service.create(input);
        const child = launch(ctx, id, dataDir, executorFlags);
        const s = service.status(id);
        return ok({
          searchId: id,
          status: s.status,
          totalEvaluations: s.total,
          estimatedSeconds: estimateSearchSeconds(ctx, id),
          pid: child.pid,
          logFile: child.logFile,
        });
      }),
  );

  server.registerTool(
    'resume_search',
    {
      title: 'Resume a search',
      description:
        'Continue a cancelled, failed or interrupted search from its last checkpoint in a detached background ' +
        'process (already evaluated candidates are reused, so the result equals an uninterrupted run). Refused ' +
        'while a live process runs it or once it completed.',
      inputSchema: { searchId },
      outputSchema: {
        searchId: z.string(),
        status,
        evaluated: z.number(),
        total: z.number(),
        pid: z.number(),
        logFile: z.string(),
      },
      annotations: TOOL_WRITE,
    },
    async ({ searchId: id }) =>
      guarded(() => {
        const service = searchService(ctx);
        const s = service.store.requireSearch(id);
        if (s.status === 'completed')
          throw new MstfError('INVALID_ARGUMENT', `search ${id} already completed; nothing to resume`);
        if (isSearchAlive(s) || (ctx.processes.get(id)?.exitCode() === null && !TERMINAL.has(s.status))) {
          throw new MstfError(
            'INVALID_ARGUMENT',
            `search ${id} is running (pid ${s.pid ?? ctx.processes.get(id)?.pid}); cancel_search first to restart it`,
          );
        }
        const child = launch(ctx, id, s.config.dataDir ?? ctx.settings.dataDir);
        const now = statusWithProcess(ctx, id);
        return ok({
          searchId: id,
          status: now.status,
          evaluated: now.evaluated,
          total: now.total,
          pid: child.pid,
          logFile: child.logFile,
        });
      }),
  );

  server.registerTool(
    'get_search_status',
    {
      title: 'Search status',
      description:
        'Status of a search (queued | running | completed | failed | cancelled), percent done, best raw score per ' +
        'indicator so far, estimated seconds left and when to poll again. waitSeconds (up to 30) waits for a ' +
        'change (a finished generation, a new status) before answering; with a progressToken, progress ' +
        'notifications (evaluated of total) are sent at each stored candidate while waiting. ' +
        DETAIL_SUMMARY_NOTE,
      inputSchema: {
        searchId,
        waitSeconds: z
          .number()
          .min(0)
          .max(MAX_WAIT_S)
          .optional()
          .describe('long-poll: answer at the first change or after this many seconds'),
        detail,
      },
      outputSchema: statusShape,
      annotations: idempotentRead,
    },
    async ({ searchId: id, waitSeconds, detail: level }, extra) =>
      guarded(async () => ok(shapeStatus(await waitForChange(ctx, id, waitSeconds ?? 0, extra), level))),
  );

  server.registerTool(
    'get_pareto_front',
    {
      title: 'Pareto front',
      description:
        'The Pareto front of a search. Completed: its final front (basis "final"); cancelled, failed or still ' +
        'running: the front of its last finished generation (basis "best-so-far"). Every member has hash, params, ' +
        'FLOPs and raw scores; the shared context gives space, channels, blocks, dataset and input shape. ' +
        DETAIL_SUMMARY_NOTE +
        " image: true adds the paper's Fig. 5 as a PNG image (FLOPs against each indicator: every candidate, the " +
        'first front per generation, the pick; completed searches only; a PNG of ~150 kB).',
      inputSchema: {
        searchId,
        detail,
        image: z.boolean().default(false).describe('also return the Pareto plot (Fig. 5) as PNG image content'),
      },
      outputSchema: {
        searchId: z.string(),
        status,
        basis: z.enum(['final', 'best-so-far', 'none']),
        generation: z.number(),
        context: archContextShape,
        pareto: z.array(z.union([frontMemberFull, frontMemberSummary])),
      },
      annotations: idempotentRead,
    },
    async ({ searchId: id, detail: level, image }) =>
      guarded(async () => {
        const r = searchResults(ctx, id);
        const pareto =
          level === 'full'
            ? r.pareto
            : r.pareto.map((m: FrontMember) => ({
                hash: m.hash,
                params: m.params,
                flops: m.flops,
                scores: m.scores,
                ...(m.hash === r.selected?.hash ? { selected: true } : {}),
              }));
        const answer = ok({
          searchId: r.searchId,
          status: r.status,
          basis: r.basis,
          generation: r.generation,
          context: r.context,
          pareto,
        });
        if (image) answer.content.push(imageContent(await paretoPng(ctx, id)));
        return answer;
      }),
  );

  server.registerTool(
    'get_selected_architecture',
    {
      title: 'Selected architecture',
      description:
        'The architecture a search picked (highest p1 + p2 in the last population) with its context (space, ' +
        'channels, blocks, dataset, input shape), params and FLOPs. A search that did not complete answers the ' +
        'pick of its last finished generation (basis "best-so-far"). Pass {searchId} to start_training, ' +
        'describe_architecture, score_architecture or compare: no genotype needs re-typing.',
      inputSchema: { searchId },
      outputSchema: {
        searchId: z.string(),
        status,
        basis: z.enum(['final', 'best-so-far', 'none']),
        selected: searchArchitectureShape.nullable(),
      },
      annotations: idempotentRead,
    },
    async ({ searchId: id }) =>
      guarded(() => {
        const r = searchResults(ctx, id);
        return ok({ searchId: r.searchId, status: r.status, basis: r.basis, selected: r.selected });
      }),
  );

  server.registerTool(
    'cancel_search',
    {
      title: 'Cancel a search',
      description:
        'Stop a queued or running search: its process stores the candidate in flight, checkpoints and ends ' +
        '"cancelled"; get_pareto_front / get_selected_architecture then answer its best so far, and ' +
        'resume_search continues it. Idempotent: on a finished search it changes nothing and reports its status.',
      inputSchema: { searchId },
      outputSchema: statusShape,
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
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
        return ok(shapeStatus(statusWithProcess(ctx, id), 'summary'));
      }),
  );

  server.registerTool(
    'list_searches',
    {
      title: 'List searches',
      description:
        'Searches in the run store, newest first: id, status, dataset, generation, percent done. `limit` rows per ' +
        'page (default 20) and `cursor` (nextCursor of the previous page); `status` / `dataset` filter.',
      inputSchema: {
        limit: limitArg,
        cursor: cursorArg,
        status: status.optional().describe('only searches with this status'),
        dataset: z.string().min(1).optional().describe('only searches of this dataset'),
      },
      outputSchema: { total: z.number(), searches: z.array(summaryShape), nextCursor: z.string().optional() },
      annotations: idempotentRead,
    },
    async ({ limit, cursor, status: only, dataset }) =>
      guarded(() => {
        const rows = listSearchSummaries(ctx)
          .filter((s) => (only === undefined || s.status === only) && (dataset === undefined || s.dataset === dataset))
          .map((s) => ({
            id: s.id,
            status: s.status,
            dataset: s.dataset,
            generation: s.generation,
            generations: s.generations,
            percent: percentOf(s.evaluated, s.total),
            createdAt: s.createdAt,
          }));
        const p = page(rows, limit, cursor);
        return ok({ total: p.total, searches: p.items, ...(p.nextCursor ? { nextCursor: p.nextCursor } : {}) });
      }),
  );
}

/** When this server last started a process for a search (resume_search on a cancelled search, say). */
const launchedAt = new WeakMap<McpContext, Map<string, number>>();

/** Start (or continue) a stored search in a detached `mstf runs resume <id>`. */
function launch(ctx: McpContext, id: string, dataDir: string, executorFlags: string[] = []) {
  let m = launchedAt.get(ctx);
  if (!m) {
    m = new Map();
    launchedAt.set(ctx, m);
  }
  m.set(id, Date.now());
  const logFile = logFileOf(ctx, id);
  const child = spawnMstf(
    [
      'runs',
      'resume',
      id,
      '--store',
      ctx.settings.storePath,
      '--json',
      ...executorFlags,
      ...withDataDir(ctx.childFlags, dataDir),
    ],
    {
      cwd: ctx.settings.cwd,
      logFile,
    },
  );
  ctx.processes.set(id, child);
  ctx.log(`search ${id} started (pid ${child.pid}, log ${logFile})`, 'info');
  return child;
}

function percentOf(evaluated: number, total: number): number {
  return total > 0 ? Math.round((1000 * evaluated) / total) / 10 : 0;
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
  // A cancelled or failed search this server has just restarted: until its process claims it (a few seconds
  // of booting) the store still says how it ended last time; it is queued again.
  const started = launchedAt.get(ctx)?.get(id);
  const record = searchService(ctx).store.requireSearch(id);
  if (
    (s.status === 'cancelled' || s.status === 'failed') &&
    child?.exitCode() === null &&
    started !== undefined &&
    started >= Date.parse(record.updatedAt)
  ) {
    s.status = 'queued';
    s.error = null;
  }
  const logFile = child?.logFile ?? logFileOf(ctx, id);
  let error = s.error;
  const code = child?.exitCode() ?? null;
  if (code !== null && code !== 0 && !TERMINAL.has(s.status) && !s.alive) {
    error = `the search process exited with code ${code}: ${lastLogLine(logFile) || 'no output'} (log: ${logFile})`;
  }
  const finished = TERMINAL.has(s.status) || error !== null;
  // Poll about ten times over what is left, never more often than every 2 s nor less than every 30 s.
  const pollAfterSeconds = finished ? null : Math.min(MAX_WAIT_S, Math.max(2, Math.round((s.etaSeconds ?? 20) / 10)));
  return {
    ...s,
    percent: percentOf(s.evaluated, s.total),
    etaSeconds: s.etaSeconds === null ? null : Math.round(s.etaSeconds * 10) / 10,
    pollAfterSeconds,
    error,
    logFile: fs.existsSync(logFile) ? logFile : null,
  };
}

/**
 * get_search_status with a long-poll: answers at once when waitSeconds is 0 or the search has finished,
 * otherwise at the first stored candidate or status change, at the deadline, or when the request is
 * cancelled. With a progressToken every change is also a progress notification.
 */
async function waitForChange(ctx: McpContext, id: string, waitSeconds: number, extra: Extra) {
  let s = statusWithProcess(ctx, id);
  const token = extra._meta?.progressToken;
  const deadline = Date.now() + waitSeconds * 1000;
  // The answer comes at a new generation or status (one answer per generation keeps polling cheap); a
  // progress notification at every stored candidate.
  const answerKey = (x: typeof s) => `${x.status}:${x.generation}:${x.error}`;
  const first = answerKey(s);
  let evaluated = s.evaluated;
  while (Date.now() < deadline && s.pollAfterSeconds !== null && answerKey(s) === first) {
    if (!(await sleepUnlessAborted(Math.min(500, deadline - Date.now()), extra.signal))) break;
    s = statusWithProcess(ctx, id);
    if (token !== undefined && s.evaluated !== evaluated && answerKey(s) === first) {
      evaluated = s.evaluated;
      await extra.sendNotification({
        method: 'notifications/progress',
        params: {
          progressToken: token,
          progress: s.evaluated,
          total: s.total,
          message: `${s.status}: ${s.evaluated}/${s.total} candidates`,
        },
      });
    }
  }
  return s;
}

/** The child flags with the search's own data directory in place of the server's. */
function withDataDir(flags: string[], dataDir: string): string[] {
  const out = [...flags];
  const i = out.indexOf('--data-dir');
  if (i >= 0) out[i + 1] = dataDir;
  else out.push('--data-dir', dataDir);
  return out;
}
