import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { describeArchitecture } from '../../core/arch/describe.js';
import { MstfError } from '../../core/errors.js';
import { defaultWorkers, EvaluationPool } from '../../plugins/executor-pool/index.js';
import { resolveSearchConfig, SearchConfigSchema } from '../../core/search/config.js';
import { evaluationSpec, resolveSetup } from '../../core/search/setup.js';
import type { FeatureShape } from '../../core/ir/types.js';
import type { McpContext } from '../context.js';
import { guarded, ok } from '../result.js';

const genotype = z
  .string()
  .min(1)
  .describe('genotype text, e.g. the 42 integers "1,0,3,1,..." of the mstf space (get_selected_architecture gives one)');

/** The search options that decide how one architecture is built and scored, as start_search takes them. */
const ScoreInput = SearchConfigSchema.pick({
  dataset: true,
  space: true,
  indicators: true,
  channels: true,
  blocks: true,
  batchSize: true,
  seed: true,
  preset: true,
  size: true,
  dataDir: true,
}).extend({ genotype });

const shapeNumbers = z.array(z.number());

/** Threads that score architectures for this server; they end after a minute without work. */
let pool: EvaluationPool | undefined;
function scoringPool(): EvaluationPool {
  pool ??= new EvaluationPool(defaultWorkers(), { idleTimeoutMs: 60_000 });
  return pool;
}

/** describe_architecture and score_architecture: one genotype, no search. */
export function registerArchitectureTools(server: McpServer, ctx: McpContext): void {
  server.registerTool(
    'describe_architecture',
    {
      title: 'Describe an architecture',
      description:
        'Decode a genotype of a search space: canonical genotype, hash, FLOPs (multiply-accumulates per image), ' +
        'trainable parameters, whether it is degenerate, and every layer with its output shape, FLOPs and params. ' +
        'Give a dataset (and size) to build it for that input; channels / blocks override the space options.',
      inputSchema: {
        genotype,
        space: z.string().min(1).default('mstf').describe('search space id'),
        dataset: z.string().min(1).optional().describe('build for this dataset (input shape and classes)'),
        size: z.number().int().min(1).optional().describe('image size (default: the dataset smallest size)'),
        channels: z.number().int().min(1).optional().describe('initial channels C0'),
        blocks: z.number().int().min(1).optional().describe('blocks'),
      },
      outputSchema: {
        space: z.string(),
        genotype: z.string(),
        genes: z.array(z.number()),
        hash: z.string(),
        flops: z.number(),
        params: z.number(),
        degenerate: z.boolean(),
        inputShape: shapeNumbers,
        classes: z.number(),
        options: z.record(z.string(), z.unknown()),
        outShape: shapeNumbers,
        summary: z.string(),
        layers: z.array(
          z.object({
            node: z.string(),
            op: z.string(),
            label: z.string().optional(),
            group: z.string().optional(),
            outShape: shapeNumbers,
            flops: z.number(),
            params: z.number(),
          }),
        ),
      },
      annotations: { readOnlyHint: true },
    },
    async (args) =>
      guarded(() => {
        let inputShape: FeatureShape | undefined;
        let classes: number | undefined;
        if (args.dataset !== undefined) {
          const info = ctx.kernel.registry('dataset').get(args.dataset).info;
          const size = args.size ?? Math.min(...info.sizes);
          inputShape = [size, size, info.channels];
          classes = info.classes;
        } else if (args.size !== undefined) {
          throw new Error('size: give a dataset too (the size is one of its image sizes)');
        }
        const options = Object.fromEntries(
          Object.entries({ channels: args.channels, blocks: args.blocks }).filter(([, v]) => v !== undefined),
        );
        return ok(
          describeArchitecture(ctx.kernel, {
            space: args.space,
            genotype: args.genotype,
            ...(inputShape ? { inputShape } : {}),
            ...(classes !== undefined ? { classes } : {}),
            options,
          }),
        );
      }),
  );

  server.registerTool(
    'score_architecture',
    {
      title: 'Score an architecture',
      description:
        'Compute training-free indicators for one genotype exactly as a search with the same options scores its ' +
        'candidates (same fixed batch of the train split, same network initialisation from seed and hash), so the ' +
        'values equal the raw scores a search records. When the request carries a progressToken, a progress ' +
        'notification (progress = indicators done, total = indicators) is sent as each indicator starts.',
      inputSchema: ScoreInput,
      outputSchema: {
        genotype: z.string(),
        hash: z.string(),
        dataset: z.string(),
        size: z.number(),
        scores: z.record(z.string(), z.number().nullable()),
        details: z.record(z.string(), z.record(z.string(), z.unknown())),
        flops: z.number(),
        params: z.number(),
        degenerate: z.boolean(),
      },
      annotations: { readOnlyHint: true },
    },
    async (args, extra) =>
      guarded(async () => {
        const { genotype: text, ...options } = args;
        if (typeof options.dataDir === 'string') options.dataDir = ctx.guard.resolve('dataDir', options.dataDir);
        const config = resolveSearchConfig(options);
        const setup = resolveSetup(ctx.kernel, config);
        const genes = setup.space.parse(text);
        const hash = setup.space.hash(genes);
        const described = describeArchitecture(ctx.kernel, {
          space: config.space,
          genotype: genes,
          inputShape: setup.inputShape,
          classes: setup.dataset.info.classes,
          options: Object.fromEntries(
            Object.entries({ channels: config.channels, blocks: config.blocks }).filter(([, v]) => v !== undefined),
          ),
        });
        // The network is built and scored in a pool thread (the batch is drawn there too), so this server keeps
        // answering other calls meanwhile.
        const spec = evaluationSpec(setup, ctx.kernel, 'dataset');
        spec.scores = config.indicators.map((id) => ({ id, options: setup.indicatorOptions[id] ?? ctx.kernel.optionsOf('indicator', id) }));
        const token = extra._meta?.progressToken;
        const progress: Promise<void>[] = [];
        const row = await scoringPool().evaluate(spec, setup.space.format(genes), {
          signal: extra.signal,
          onProgress: ({ indicator, index, total }) => {
            if (token === undefined) return;
            progress.push(
              extra.sendNotification({
                method: 'notifications/progress',
                params: { progressToken: token, progress: index, total, message: `scoring ${indicator} (${index + 1}/${total})` },
              }),
            );
          },
        });
        // Nothing was scored: the network could not be built.
        if (row.error && Object.keys(row.details).length === 0) throw new MstfError('INVALID_GENOTYPE', row.error);
        const { scores, details } = row;
        // No final "done" notification: it would reach the client right before the result, and the SDK client
        // may drop a progress notification it handles after the response. The result itself says done.
        await Promise.all(progress);
        return ok({
          genotype: setup.space.format(genes),
          hash,
          dataset: config.dataset,
          size: setup.size,
          scores,
          details,
          flops: described.flops,
          params: described.params,
          degenerate: described.degenerate,
        });
      }),
  );
}
