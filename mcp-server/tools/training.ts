import fs from 'node:fs';
import path from 'node:path';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { MstfError } from '../../core/errors.js';
import { modelIds } from '../../core/models/index.js';
import { readSearchPick, resolveModel, type ModelSpec, type SearchPick } from '../../core/training/model-source.js';
import { checkRequest, type TrainingRequest } from '../../core/training/service.js';
import { defaultTrainingsRoot, newTrainingId } from '../../core/training/ids.js';
import { readStatus, STATUS_FILE } from '../../core/training/status.js';
import { pidAlive } from '../../core/search/service.js';
import type { McpContext } from '../context.js';
import { lastLogLine, spawnMstf } from '../detached.js';
import { guarded, ok } from '../result.js';

const trainingId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, { message: 'trainingId must be letters, digits, ".", "_" and "-" only (an id start_training returned)' })
  .describe('the id start_training returned');

/** The options of `mstf train`, as tool arguments (camelCase). */
const TrainInput = z.strictObject({
  genotype: z.string().min(1).optional().describe('genotype text of `space` (give one of genotype, searchId, model)'),
  space: z.string().min(1).default('mstf').describe('search space of the genotype'),
  searchId: z.string().min(1).optional().describe("train this completed search's selected architecture (its space, channels, blocks, dataset)"),
  model: z.enum(modelIds() as [string, ...string[]]).optional().describe('a fixed reference model'),
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

const statusShape = {
  trainingId: z.string(),
  state: z.enum(['starting', 'running', 'completed', 'failed', 'cancelled']),
  epoch: z.number().nullable().describe('epochs completed'),
  epochs: z.number().nullable(),
  bestValAuc: z.number().nullable(),
  bestEpoch: z.number().nullable(),
  etaSeconds: z.number().nullable(),
  pid: z.number().nullable(),
  alive: z.boolean().describe('a live process runs it now'),
  outDir: z.string(),
  metrics: z
    .object({
      test: z.object({ acc: z.number().nullable(), auc: z.number().nullable() }),
      val: z.object({ acc: z.number().nullable(), auc: z.number().nullable() }),
      bestEpoch: z.number(),
    })
    .nullable()
    .describe('final test and validation metrics once completed'),
  error: z.string().nullable(),
  logFile: z.string().nullable(),
};

/**
 * start_training launches a detached `mstf train ... --out <dir> --json` and returns at once; the training
 * rewrites <dir>/status.json after every epoch, which get_training_status reads.
 */
export function registerTrainingTools(server: McpServer, ctx: McpContext): void {
  /** Output directories of trainings started here with a custom `out`, by id. */
  const outDirs = new Map<string, string>();

  server.registerTool(
    'start_training',
    {
      title: 'Start a training',
      description:
        'Train and evaluate an architecture with the official MedMNIST protocol (the options of `mstf train`) in a ' +
        'detached background process. Give one of genotype (+ space), searchId (its selected architecture) or ' +
        'model. Returns {trainingId, outDir} at once; follow it with get_training_status.',
      inputSchema: TrainInput,
      outputSchema: { trainingId: z.string(), state: z.literal('starting'), outDir: z.string(), pid: z.number(), logFile: z.string() },
    },
    async (args) =>
      guarded(() => {
        const given = [args.genotype, args.searchId, args.model].filter((v) => v !== undefined).length;
        if (given !== 1) {
          throw new MstfError('INVALID_ARGUMENT', 'start_training: give exactly one of genotype, searchId or model');
        }
        // A baseline model has a fixed width and depth (`mstf train --model` refuses these too).
        if (args.model && (args.channels !== undefined || args.blocks !== undefined)) {
          throw new MstfError('INVALID_ARGUMENT', `start_training: channels and blocks apply to searched architectures, not to model ${args.model}`);
        }
        const spec: ModelSpec = args.model
          ? { kind: 'model', model: args.model }
          : args.searchId
            ? { kind: 'run', searchId: args.searchId, storePath: ctx.settings.storePath, ...(args.channels ? { channels: args.channels } : {}) }
            : { kind: 'genotype', genotype: args.genotype!, space: args.space, channels: args.channels, blocks: args.blocks };
        const request: TrainingRequest = { model: spec, epochs: args.epochs, batchSize: args.batchSize, lr: args.lr, seed: args.seed };
        if (args.size !== undefined) request.size = args.size;
        if (args.maxTrain !== undefined) request.maxTrain = args.maxTrain;
        if (args.maxEval !== undefined) request.maxEval = args.maxEval;
        checkRequest(request);
        // Refuse what the training would refuse (unknown dataset or search, bad genotype) now, not in the log.
        const pick: SearchPick | undefined = spec.kind === 'run' ? readSearchPick(spec.storePath, spec.searchId) : undefined;
        const datasetId = args.dataset ?? pick?.dataset;
        if (!datasetId) throw new MstfError('INVALID_ARGUMENT', 'start_training: give a dataset (list_datasets)');
        const info = ctx.kernel.registry('dataset').get(datasetId).info;
        const size = args.size ?? pick?.size ?? Math.min(...info.sizes);
        if (!info.sizes.includes(size)) {
          throw new MstfError('INVALID_ARGUMENT', `dataset ${datasetId} has no image size ${size} (sizes: ${info.sizes.join(', ')})`);
        }
        const { ir } = resolveModel(ctx.kernel, spec, { inputShape: [size, size, info.channels], classes: info.classes }, pick);
        ctx.admission.check('start_training', { epochs: args.epochs, batchSize: args.batchSize, channels: args.channels ?? pick?.channels, network: () => ir });

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
        if (args.dataset) argv.push('--dataset', args.dataset);
        argv.push('--epochs', String(args.epochs), '--batch-size', String(args.batchSize), '--lr', String(args.lr), '--seed', String(args.seed));
        for (const [flag, v] of [
          ['--channels', args.channels],
          ['--blocks', spec.kind === 'genotype' ? args.blocks : undefined],
          ['--size', args.size],
          ['--max-train', args.maxTrain],
          ['--max-eval', args.maxEval],
        ] as const) {
          if (v !== undefined) argv.push(flag, String(v));
        }
        if (predictions) argv.push('--predictions', predictions);

        const logFile = path.join(ctx.stateDir, 'logs', `training-${id}.log`);
        const child = spawnMstf(argv, { cwd: ctx.settings.cwd, logFile });
        ctx.processes.set(`training:${id}`, child);
        if (args.out) outDirs.set(id, outDir);
        ctx.log(`training ${id} started (pid ${child.pid}, out ${outDir}, log ${logFile})`);
        return ok({ trainingId: id, state: 'starting' as const, outDir, pid: child.pid, logFile });
      }),
  );

  server.registerTool(
    'get_training_status',
    {
      title: 'Training status',
      description:
        'State of a training (starting | running | completed | failed | cancelled), epochs done, best validation ' +
        'AUC, estimated seconds left, and the final test/validation ACC and AUC once completed (from its status.json).',
      inputSchema: { trainingId },
      outputSchema: statusShape,
      annotations: { readOnlyHint: true },
    },
    async ({ trainingId: id }) =>
      guarded(() => {
        const outDir = outDirs.get(id) ?? path.join(defaultTrainingsRoot(ctx.settings.cwd), id);
        const child = ctx.processes.get(`training:${id}`);
        const logFile = child?.logFile ?? path.join(ctx.stateDir, 'logs', `training-${id}.log`);
        const base = { trainingId: id, outDir, logFile: fs.existsSync(logFile) ? logFile : null };
        if (!fs.existsSync(path.join(outDir, STATUS_FILE))) {
          if (!child) throw new MstfError('NOT_FOUND', `no training "${id}" in ${path.dirname(outDir)}`);
          const code = child.exitCode();
          const failed = code !== null;
          return ok({
            ...base,
            state: failed ? ('failed' as const) : ('starting' as const),
            epoch: null,
            epochs: null,
            bestValAuc: null,
            bestEpoch: null,
            etaSeconds: null,
            pid: child.pid,
            alive: !failed,
            metrics: null,
            error: failed ? `the training process exited with code ${code}: ${lastLogLine(logFile) || 'no output'}` : null,
          });
        }
        const s = readStatus(outDir);
        return ok({
          ...base,
          state: s.state,
          epoch: s.epoch,
          epochs: s.epochs,
          bestValAuc: s.bestValAuc,
          bestEpoch: s.bestEpoch,
          etaSeconds: s.etaSeconds,
          pid: s.pid,
          alive: s.state === 'running' && pidAlive(s.pid),
          metrics: s.metrics ?? null,
          error: s.error ?? null,
        });
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
