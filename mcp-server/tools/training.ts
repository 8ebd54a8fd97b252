import fs from 'node:fs';
import path from 'node:path';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { MstfError } from '../../core/errors.js';
import { modelIds } from '../../core/models/index.js';
import { pidAlive } from '../../core/search/service.js';
import { readSearchPick, resolveModel, type ModelSpec, type SearchPick } from '../../core/training/model-source.js';
import { checkRequest, type TrainingRequest } from '../../core/training/service.js';
import { defaultTrainingsRoot, newTrainingId } from '../../core/training/ids.js';
import { STATUS_FILE } from '../../core/training/status.js';
import { searchMember } from '../architectures.js';
import type { McpContext } from '../context.js';
import { spawnMstf } from '../detached.js';
import { guarded, ok, page } from '../result.js';
import {
  listTrainingReports,
  rememberTrainingDir,
  trainingReport,
  trainingRow,
  type TrainingReport,
} from '../trainings.js';
import {
  cursorArg,
  detail,
  DETAIL_SUMMARY_NOTE,
  idempotentRead,
  limitArg,
  sleepUnlessAborted,
  TOOL_WRITE,
} from './common.js';

const trainingId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, {
    message: 'trainingId must be letters, digits, ".", "_" and "-" only (an id start_training returned)',
  })
  .describe('the id start_training returned (list_trainings lists them)');

/** The options of `mstf train`, as tool arguments (camelCase). */
const TrainInput = z.strictObject({
  searchId: z
    .string()
    .min(1)
    .optional()
    .describe(
      "train this search's pick, or with `hash` any architecture it evaluated (its space, channels, blocks, dataset)",
    ),
  hash: z.string().min(4).optional().describe('hash (or unique prefix) of a member of searchId'),
  model: z
    .enum(modelIds() as [string, ...string[]])
    .optional()
    .describe('a fixed reference model, e.g. resnet18'),
  genotype: z.string().min(1).optional().describe('genotype text of `space` (give one of searchId, model, genotype)'),
  space: z.string().min(1).default('mstf').describe('search space of the genotype'),
  dataset: z.string().min(1).optional().describe("dataset id; default with searchId: the search's dataset"),
  epochs: z.number().int().min(1).default(100).describe('epochs (official MedMNIST protocol: 100)'),
  batchSize: z.number().int().min(1).default(128).describe('mini-batch size'),
  lr: z.number().positive().default(0.001).describe('initial learning rate (Adam; x0.1 at 50% and 75% of the epochs)'),
  channels: z.number().int().min(1).optional().describe('initial channels C0 of a searched architecture'),
  blocks: z.number().int().min(1).optional().describe('blocks of a searched architecture'),
  seed: z.number().int().min(0).default(0).describe('seed of the initialisation and the batch order'),
  size: z.number().int().min(1).optional().describe('image size'),
  out: z.string().min(1).optional().describe('output directory inside the workspace (default .mstf/trainings/<id>)'),
  predictions: z.string().min(1).optional().describe('CSV file (inside the workspace) for one row per test image'),
  maxTrain: z.number().int().min(1).optional().describe('quick check: train on a seeded random subset of N images'),
  maxEval: z.number().int().min(1).optional().describe('quick check: validate and test on the first N images'),
});

const metricPair = z.object({ acc: z.number().nullable(), auc: z.number().nullable() }).nullable();
const historyRow = z.object({
  epoch: z.number(),
  trainLoss: z.number().nullable(),
  valLoss: z.number().nullable(),
  valAcc: z.number().nullable(),
  valAuc: z.number().nullable(),
  seconds: z.number().nullable(),
});
const state = z.enum(['starting', 'running', 'completed', 'failed', 'cancelled']);

const statusShape = {
  trainingId: z.string(),
  name: z.string().describe('what is trained: a model id, or the space and C0 of a searched architecture'),
  state,
  dataset: z.string().nullable(),
  inputShape: z.array(z.number()).nullable(),
  params: z.number().nullable(),
  flops: z.number().nullable().describe('multiply-accumulates per image'),
  epoch: z.number().nullable().describe('epochs completed'),
  epochs: z.number().nullable(),
  bestValAuc: z.number().nullable(),
  bestEpoch: z.number().nullable(),
  etaSeconds: z.number().nullable(),
  pollAfterSeconds: z.number().nullable(),
  trainSeconds: z.number().nullable().describe('seconds spent training (once completed)'),
  wallSeconds: z.number().nullable().describe('seconds of the whole run, evaluation included (once completed)'),
  test: metricPair.describe('test ACC / AUC of the best-validation model (once completed)'),
  val: metricPair,
  history: z
    .array(historyRow)
    .describe('per epoch: train loss, validation loss / ACC / AUC, seconds (summary: the last 5)'),
  historyEpochs: z.number().describe('epochs in the full history'),
  error: z.string().nullable(),
  model: z.record(z.string(), z.unknown()).nullable().optional(),
  pid: z.number().nullable().optional(),
  alive: z.boolean().optional(),
  outDir: z.string().optional(),
  logFile: z.string().nullable().optional(),
};

/** A training report at a detail level: summary keeps what a decision needs (the last 5 epochs). */
export function shapeReport(r: TrainingReport, level: 'summary' | 'full') {
  const core = {
    trainingId: r.trainingId,
    name: r.name,
    state: r.state,
    dataset: r.dataset,
    inputShape: r.inputShape,
    params: r.params,
    flops: r.flops,
    epoch: r.epoch,
    epochs: r.epochs,
    bestValAuc: r.bestValAuc,
    bestEpoch: r.bestEpoch,
    etaSeconds: r.etaSeconds,
    pollAfterSeconds: r.pollAfterSeconds,
    trainSeconds: r.trainSeconds,
    wallSeconds: r.wallSeconds,
    test: r.test,
    val: r.val,
    history: level === 'full' ? r.history : r.history.slice(-5),
    historyEpochs: r.history.length,
    error: r.error,
  };
  return level === 'full'
    ? { ...core, model: r.model, pid: r.pid, alive: r.alive, outDir: r.outDir, logFile: r.logFile }
    : core;
}

/**
 * start_training launches a detached `mstf train ... --out <dir> --json` and returns at once; the training
 * rewrites <dir>/status.json after every epoch, which get_training_status reads.
 */
export function registerTrainingTools(server: McpServer, ctx: McpContext): void {
  server.registerTool(
    'start_training',
    {
      title: 'Start a training',
      description:
        'Train and evaluate an architecture with the official MedMNIST protocol in a detached background process. ' +
        'Give one of searchId (its pick; + hash: any member), model (e.g. resnet18, with dataset) or genotype. ' +
        'Returns {trainingId} at once; follow it with get_training_status, compare finished trainings with compare.',
      inputSchema: TrainInput,
      outputSchema: {
        trainingId: z.string(),
        state: z.literal('starting'),
        name: z.string(),
        dataset: z.string(),
        outDir: z.string(),
        pid: z.number(),
        logFile: z.string(),
      },
      annotations: TOOL_WRITE,
    },
    async (args) =>
      guarded(() => {
        const given = [args.genotype, args.searchId, args.model].filter((v) => v !== undefined).length;
        if (given !== 1)
          throw new MstfError(
            'INVALID_ARGUMENT',
            'start_training: give exactly one of searchId (+ hash), model or genotype',
          );
        if (args.hash !== undefined && args.searchId === undefined)
          throw new MstfError('INVALID_ARGUMENT', 'hash: give the searchId it belongs to');
        // A baseline model has a fixed width and depth (`mstf train --model` refuses these too).
        if (args.model && (args.channels !== undefined || args.blocks !== undefined)) {
          throw new MstfError(
            'INVALID_ARGUMENT',
            `start_training: channels and blocks apply to searched architectures, not to model ${args.model}`,
          );
        }
        let spec: ModelSpec;
        let pick: SearchPick | undefined;
        let dataset = args.dataset;
        let size = args.size;
        if (args.model) spec = { kind: 'model', model: args.model };
        else if (args.searchId !== undefined && args.hash !== undefined) {
          // Any member: trained with the space, options, dataset and size of its search.
          const m = searchMember(ctx, args.searchId, args.hash);
          const o = m.arch.context.options;
          spec = {
            kind: 'genotype',
            genotype: m.arch.genotype,
            space: m.arch.context.space,
            ...((args.channels ?? o.channels) !== undefined
              ? { channels: (args.channels ?? o.channels) as number }
              : {}),
            ...((args.blocks ?? o.blocks) !== undefined ? { blocks: (args.blocks ?? o.blocks) as number } : {}),
          };
          dataset ??= m.arch.context.dataset;
          size ??= m.arch.context.size;
        } else if (args.searchId !== undefined) {
          spec = {
            kind: 'run',
            searchId: args.searchId,
            ...(args.channels ? { channels: args.channels } : {}),
          };
          pick = readSearchPick(ctx.kernel, args.searchId);
        } else
          spec = {
            kind: 'genotype',
            genotype: args.genotype!,
            space: args.space,
            channels: args.channels,
            blocks: args.blocks,
          };

        const request: TrainingRequest = {
          model: spec,
          epochs: args.epochs,
          batchSize: args.batchSize,
          lr: args.lr,
          seed: args.seed,
        };
        if (size !== undefined) request.size = size;
        if (args.maxTrain !== undefined) request.maxTrain = args.maxTrain;
        if (args.maxEval !== undefined) request.maxEval = args.maxEval;
        checkRequest(request);
        // Refuse what the training would refuse (unknown dataset or search, bad genotype) now, not in the log.
        const datasetId = dataset ?? pick?.dataset;
        if (!datasetId) throw new MstfError('INVALID_ARGUMENT', 'start_training: give a dataset (list_datasets)');
        const info = ctx.kernel.registry('dataset').get(datasetId).info;
        const imageSize = size ?? pick?.size ?? Math.min(...info.sizes);
        if (!info.sizes.includes(imageSize)) {
          throw new MstfError(
            'INVALID_ARGUMENT',
            `dataset ${datasetId} has no image size ${imageSize} (sizes: ${info.sizes.join(', ')})`,
          );
        }
        const resolved = resolveModel(
          ctx.kernel,
          spec,
          { inputShape: [imageSize, imageSize, info.channels], classes: info.classes },
          pick,
        );
        ctx.admission.check('start_training', {
          epochs: args.epochs,
          batchSize: args.batchSize,
          channels: args.channels ?? pick?.channels,
          network: () => resolved.ir,
        });

        const root = defaultTrainingsRoot(ctx.settings.cwd);
        const outDir = args.out ? ctx.guard.resolve('out', args.out) : path.join(root, freshId(root, ctx));
        if (fs.existsSync(path.join(outDir, STATUS_FILE))) {
          throw new MstfError('INVALID_ARGUMENT', `out: ${outDir} already holds a training; choose another directory`);
        }
        const predictions = args.predictions ? ctx.guard.resolve('predictions', args.predictions) : undefined;
        const id = path.basename(outDir);

        const argv = ['train', '--out', outDir, '--json', '--store', ctx.settings.storePath, ...ctx.childFlags];
        if (spec.kind === 'model') argv.push('--model', spec.model);
        else if (spec.kind === 'run') argv.push('--run', spec.searchId);
        else argv.push('--genotype', spec.genotype, '--space', spec.space);
        if (dataset) argv.push('--dataset', dataset);
        argv.push(
          '--epochs',
          String(args.epochs),
          '--batch-size',
          String(args.batchSize),
          '--lr',
          String(args.lr),
          '--seed',
          String(args.seed),
        );
        for (const [flag, v] of [
          ['--channels', spec.kind === 'genotype' ? spec.channels : args.channels],
          ['--blocks', spec.kind === 'genotype' ? spec.blocks : undefined],
          ['--size', size],
          ['--max-train', args.maxTrain],
          ['--max-eval', args.maxEval],
        ] as const) {
          if (v !== undefined) argv.push(flag, String(v));
        }
        if (predictions) argv.push('--predictions', predictions);

        const logFile = path.join(ctx.stateDir, 'logs', `training-${id}.log`);
        const child = spawnMstf(argv, { cwd: ctx.settings.cwd, logFile });
        ctx.processes.set(`training:${id}`, child);
        if (args.out) rememberTrainingDir(ctx, id, outDir);
        ctx.log(`training ${id} started (pid ${child.pid}, out ${outDir}, log ${logFile})`, 'info');
        const d = resolved.description;
        const name =
          d.kind === 'model'
            ? d.model
            : `${d.space}${d.options.channels !== undefined ? ` C0=${String(d.options.channels)}` : ''}`;
        return ok({
          trainingId: id,
          state: 'starting' as const,
          name,
          dataset: datasetId,
          outDir,
          pid: child.pid,
          logFile,
        });
      }),
  );

  server.registerTool(
    'get_training_status',
    {
      title: 'Training status',
      description:
        'State of a training (starting | running | completed | failed | cancelled), what is trained (params, ' +
        'FLOPs, dataset, input shape), epochs done, per-epoch history (train loss, validation loss / ACC / AUC), ' +
        'ETA and when to poll again; once completed the test ACC / AUC and the wall time. waitSeconds (up to ' +
        '30) waits for a finished epoch or a new state before answering. ' +
        DETAIL_SUMMARY_NOTE,
      inputSchema: {
        trainingId,
        waitSeconds: z
          .number()
          .min(0)
          .max(30)
          .optional()
          .describe('long-poll: answer at the first change or after this many seconds'),
        detail,
      },
      outputSchema: statusShape,
      annotations: idempotentRead,
    },
    async ({ trainingId: id, waitSeconds, detail: level }, extra) =>
      guarded(async () => {
        let r = trainingReport(ctx, id);
        const key = (x: TrainingReport) => `${x.state}:${x.epoch}:${x.error}`;
        const first = key(r);
        const deadline = Date.now() + (waitSeconds ?? 0) * 1000;
        while (Date.now() < deadline && r.pollAfterSeconds !== null && key(r) === first) {
          if (!(await sleepUnlessAborted(Math.min(500, deadline - Date.now()), extra.signal))) break;
          r = trainingReport(ctx, id);
        }
        return ok(shapeReport(r, level));
      }),
  );

  server.registerTool(
    'list_trainings',
    {
      title: 'List trainings',
      description:
        'Trainings of this workspace (.mstf/trainings), newest first: id, what is trained, dataset, state, epochs, ' +
        'test ACC / AUC. `limit` rows per page (default 20) and `cursor`; `state` / `dataset` filter.',
      inputSchema: {
        limit: limitArg,
        cursor: cursorArg,
        state: state.optional().describe('only trainings in this state'),
        dataset: z.string().min(1).optional().describe('only trainings on this dataset'),
      },
      outputSchema: {
        total: z.number(),
        trainings: z.array(
          z.object({
            trainingId: z.string(),
            name: z.string(),
            dataset: z.string().nullable(),
            state,
            epoch: z.number().nullable(),
            epochs: z.number().nullable(),
            test: metricPair,
          }),
        ),
        nextCursor: z.string().optional(),
      },
      annotations: idempotentRead,
    },
    async ({ limit, cursor, state: only, dataset }) =>
      guarded(() => {
        const rows = listTrainingReports(ctx)
          .filter((r) => (only === undefined || r.state === only) && (dataset === undefined || r.dataset === dataset))
          .map(trainingRow);
        const p = page(rows, limit, cursor);
        return ok({ total: p.total, trainings: p.items, ...(p.nextCursor ? { nextCursor: p.nextCursor } : {}) });
      }),
  );

  server.registerTool(
    'cancel_training',
    {
      title: 'Cancel a training',
      description:
        'Stop a running training: its process checkpoints after the current batch and ends "cancelled" (the ' +
        'checkpoint stays in its folder). Idempotent: on a finished training it changes nothing and reports its state.',
      inputSchema: { trainingId },
      outputSchema: statusShape,
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    },
    async ({ trainingId: id }) =>
      guarded(() => {
        const before = trainingReport(ctx, id);
        const child = ctx.processes.get(`training:${id}`);
        if (before.state === 'starting') child?.terminate();
        else if (before.state === 'running' && before.pid !== null && pidAlive(before.pid)) {
          // One SIGTERM: `mstf train` aborts after the current batch, checkpoints and writes "cancelled".
          if (child && child.pid === before.pid) child.terminate();
          else {
            try {
              process.kill(before.pid, 'SIGTERM');
            } catch {
              // gone meanwhile
            }
          }
          ctx.log(`training ${id}: cancel requested (pid ${before.pid})`, 'info');
        }
        return ok(shapeReport(trainingReport(ctx, id), 'summary'));
      }),
  );
}

/** A new training id whose folder does not exist and that this server has not handed out yet. */
function freshId(root: string, ctx: McpContext): string {
  const base = newTrainingId(root);
  let id = base;
  for (let k = 2; ctx.processes.has(`training:${id}`) || fs.existsSync(path.join(root, id)); k++) id = `${base}-${k}`;
  return id;
}
