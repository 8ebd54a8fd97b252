import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { describeArchitecture, type LayerSummary } from '../../core/arch/describe.js';
import { MstfError } from '../../core/errors.js';
import { layerCosts } from '../../core/ir/cost.js';
import type { FeatureShape } from '../../core/ir/types.js';
import { getModelSource, modelIds } from '../../core/models/index.js';
import { resolveSearchConfig, SearchConfigSchema } from '../../core/search/config.js';
import { evaluationSpec, resolveSetup } from '../../core/search/setup.js';
import { stripUndefined } from '../../core/util/values.js';
import { defaultWorkers, EvaluationPool } from '../../plugins/executor-pool/index.js';
import { archContextShape, contextOf, searchMember, type ArchContext } from '../architectures.js';
import type { McpContext } from '../context.js';
import { guarded, ok } from '../result.js';
import { detail, DETAIL_SUMMARY_NOTE, idempotentRead } from './common.js';
import { architecturePng, imageContent, memberRequest, THREAD_IDLE_MS } from '../figures.js';

const genotype = z
  .string()
  .min(1)
  .describe(
    'genotype text, e.g. the 42 integers "1,0,3,1,..." of the mstf space; prefer {searchId, hash} for a search member',
  );
const searchIdArg = z
  .string()
  .min(1)
  .describe(
    'a search: its pick, or with `hash` any architecture it evaluated (space, options, dataset from the search)',
  );
const hashArg = z
  .string()
  .min(4)
  .describe('hash (or a unique prefix) of an architecture the search evaluated, as get_pareto_front lists them');

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
}).extend({
  genotype: genotype.optional(),
  searchId: searchIdArg.optional(),
  hash: hashArg.optional(),
  detail,
});

const shapeNumbers = z.array(z.number());
const layerShape = z.object({
  node: z.string(),
  op: z.string(),
  label: z.string().optional(),
  group: z.string().optional(),
  outShape: shapeNumbers,
  flops: z.number(),
  params: z.number(),
});

/**
 * Threads that score architectures for this server; they end after a minute without work (THREAD_IDLE_MS). Not
 * shared with the figure thread: docs/decisions.md "MCP thread pools (#17)".
 */
let pool: EvaluationPool | undefined;
function scoringPool(): EvaluationPool {
  pool ??= new EvaluationPool(defaultWorkers(), { idleTimeoutMs: THREAD_IDLE_MS });
  return pool;
}

/**
 * Per-stage totals (stem, each block or ResNet stage, head): the shape of a network in a few rows. Layer
 * groups are paths such as `b2/normal/n3` or `layer3.block1`; their first part is the stage.
 */
function groupTotals(layers: readonly Pick<LayerSummary, 'group' | 'flops' | 'params' | 'outShape'>[]) {
  const groups = new Map<string, { group: string; params: number; flops: number; outShape: number[] }>();
  for (const l of layers) {
    const key = (l.group ?? 'other').split(/[/.]/)[0]!;
    const g = groups.get(key) ?? { group: key, params: 0, flops: 0, outShape: [] };
    g.params += l.params;
    g.flops += l.flops;
    g.outShape = [...l.outShape];
    groups.set(key, g);
  }
  return [...groups.values()].filter((g) => g.params > 0 || g.flops > 0);
}

/** Input shape and classes of a dataset at a size (default: its smallest). */
function datasetContext(
  ctx: McpContext,
  dataset: string,
  size?: number,
): { size: number; inputShape: FeatureShape; classes: number } {
  const info = ctx.kernel.registry('dataset').get(dataset).info;
  const s = size ?? Math.min(...info.sizes);
  if (!info.sizes.includes(s))
    throw new MstfError(
      'INVALID_ARGUMENT',
      `dataset ${dataset} has no image size ${s} (sizes: ${info.sizes.join(', ')})`,
    );
  return { size: s, inputShape: [s, s, info.channels], classes: info.classes };
}

/** describe_architecture and score_architecture: one architecture, no search run. */
export function registerArchitectureTools(server: McpServer, ctx: McpContext): void {
  server.registerTool(
    'describe_architecture',
    {
      title: 'Describe an architecture',
      description:
        'Params, FLOPs (multiply-accumulates per image), hash, degenerate flag and per-stage totals of one network, ' +
        'with the context it is built for (space, channels, blocks, dataset, input shape). Give {searchId} (its ' +
        'pick), {searchId, hash} (any member), {model: "resnet18" | "resnet50", dataset}, or a genotype with ' +
        'space / dataset / size / channels / blocks. ' +
        DETAIL_SUMMARY_NOTE +
        ' full adds the genes, the description and every layer. image: true adds the drawing (cells, ops, ' +
        'channels) as a PNG image (searched architectures only; a PNG of ~300 kB).',
      inputSchema: {
        searchId: searchIdArg.optional(),
        hash: hashArg.optional(),
        model: z
          .enum(modelIds() as [string, ...string[]])
          .optional()
          .describe('a fixed reference model'),
        genotype: genotype.optional(),
        space: z.string().min(1).default('mstf').describe('search space id (with genotype)'),
        dataset: z.string().min(1).optional().describe('build for this dataset (input shape and classes)'),
        size: z.number().int().min(1).optional().describe('image size (default: the dataset smallest size)'),
        channels: z.number().int().min(1).optional().describe('initial channels C0 (with genotype)'),
        blocks: z.number().int().min(1).optional().describe('blocks (with genotype)'),
        detail,
        image: z.boolean().default(false).describe('also return the drawing as PNG image content'),
      },
      outputSchema: {
        kind: z.enum(['searched', 'model']),
        model: z.string().optional(),
        searchId: z.string().optional(),
        genotype: z.string().optional(),
        hash: z.string().optional(),
        context: archContextShape,
        params: z.number(),
        flops: z.number(),
        degenerate: z.boolean(),
        outShape: shapeNumbers,
        groups: z.array(z.object({ group: z.string(), params: z.number(), flops: z.number(), outShape: shapeNumbers })),
        genes: z.array(z.number()).optional(),
        summary: z.string().optional(),
        layers: z.array(layerShape).optional(),
      },
      annotations: idempotentRead,
    },
    async (args) =>
      guarded(async () => {
        const full = args.detail === 'full';
        const given = [args.genotype, args.searchId, args.model].filter((v) => v !== undefined).length;
        if (given !== 1)
          throw new MstfError(
            'INVALID_ARGUMENT',
            'describe_architecture: give exactly one of searchId (+ hash), model or genotype',
          );
        if (args.hash !== undefined && args.searchId === undefined)
          throw new MstfError('INVALID_ARGUMENT', 'hash: give the searchId it belongs to');

        if (args.model !== undefined) {
          if (args.image)
            throw new MstfError(
              'INVALID_ARGUMENT',
              `image: drawings exist for searched architectures, not for model ${args.model}`,
            );
          if (args.channels !== undefined || args.blocks !== undefined) {
            throw new MstfError(
              'INVALID_ARGUMENT',
              `channels and blocks apply to searched architectures, not to model ${args.model}`,
            );
          }
          const dataset = args.dataset ?? 'breastmnist';
          const dc = datasetContext(ctx, dataset, args.size);
          const ir = getModelSource(args.model).build({ inputShape: dc.inputShape, classes: dc.classes });
          const layers = layerCosts(ir);
          const out = layers.find((l) => l.node === ir.output)!;
          const context: ArchContext = {
            space: 'model',
            options: { model: args.model },
            dataset,
            size: dc.size,
            inputShape: [...dc.inputShape],
            classes: dc.classes,
          };
          return ok({
            kind: 'model' as const,
            model: args.model,
            context,
            params: layers.reduce((s, l) => s + l.params, 0),
            flops: layers.reduce((s, l) => s + l.flops, 0),
            degenerate: false,
            outShape: out.outShape,
            groups: groupTotals(layers),
            ...(full ? { layers } : {}),
          });
        }

        let request: Parameters<typeof describeArchitecture>[1];
        let context: ArchContext;
        if (args.searchId !== undefined) {
          for (const k of ['dataset', 'size', 'channels', 'blocks'] as const) {
            if (args[k] !== undefined)
              throw new MstfError(
                'INVALID_ARGUMENT',
                `${k}: a search member is built as its search built it; give a genotype to change ${k}`,
              );
          }
          const m = searchMember(ctx, args.searchId, args.hash);
          context = m.arch.context;
          request = memberRequest(m);
        } else {
          const dc = args.dataset !== undefined ? datasetContext(ctx, args.dataset, args.size) : undefined;
          if (!dc && args.size !== undefined)
            throw new MstfError('INVALID_ARGUMENT', 'size: give a dataset too (the size is one of its image sizes)');
          request = {
            space: args.space,
            genotype: args.genotype!,
            ...(dc ? { inputShape: dc.inputShape, classes: dc.classes } : {}),
            options: stripUndefined({ channels: args.channels, blocks: args.blocks }),
          };
          context = {
            space: args.space,
            options: {},
            dataset: args.dataset ?? '(none: space default input)',
            size: dc?.size ?? 0,
            inputShape: [],
            classes: 0,
          };
        }
        const d = describeArchitecture(ctx.kernel, request);
        if (args.searchId === undefined) {
          context = {
            ...context,
            options: stripUndefined({ channels: d.options.channels, blocks: d.options.blocks }) as Record<
              string,
              unknown
            >,
            size: d.inputShape[0],
            inputShape: [...d.inputShape],
            classes: d.classes,
          };
        }
        const answer = ok({
          kind: 'searched' as const,
          ...(args.searchId !== undefined ? { searchId: args.searchId } : {}),
          genotype: d.genotype,
          hash: d.hash,
          context,
          params: d.params,
          flops: d.flops,
          degenerate: d.degenerate,
          outShape: d.outShape,
          groups: groupTotals(d.layers),
          ...(full ? { genes: d.genes, summary: d.summary, layers: d.layers } : {}),
        });
        if (args.image) answer.content.push(imageContent(await architecturePng(ctx, request)));
        return answer;
      }),
  );

  server.registerTool(
    'score_architecture',
    {
      title: 'Score an architecture',
      description:
        'Compute training-free indicators for one architecture exactly as a search scores its candidates (same ' +
        'fixed batch of the train split, same initialisation from seed and hash). {searchId, hash} (or searchId ' +
        "alone: its pick) uses that search's options, so the scores equal the ones it stored; otherwise give a " +
        'genotype and the search options (same defaults as start_search). With a progressToken a progress ' +
        'notification is sent as each indicator starts; a cancelled request stops between indicators. detail ' +
        '"full" adds per-indicator timings and diagnostics.',
      inputSchema: ScoreInput,
      outputSchema: {
        genotype: z.string(),
        hash: z.string(),
        context: archContextShape,
        scores: z.record(z.string(), z.number().nullable()),
        stored: z
          .record(z.string(), z.number().nullable())
          .optional()
          .describe('the scores the search stored for this architecture'),
        details: z
          .record(z.string(), z.record(z.string(), z.unknown()))
          .optional()
          .describe('per indicator: time and diagnostics (detail "full")'),
        flops: z.number(),
        params: z.number(),
        degenerate: z.boolean(),
      },
      annotations: idempotentRead,
    },
    async (args, extra) =>
      guarded(async () => {
        const { genotype: text, searchId, hash, detail: level, ...options } = args;
        let configInput: Record<string, unknown>;
        let genotypeText: string;
        let stored: Record<string, number | null> | undefined;
        if (searchId !== undefined) {
          if (text !== undefined)
            throw new MstfError('INVALID_ARGUMENT', 'score_architecture: give a genotype or a searchId, not both');
          const m = searchMember(ctx, searchId, hash);
          configInput = { ...m.search.config };
          genotypeText = m.arch.genotype;
          stored = m.arch.scores;
        } else {
          if (text === undefined)
            throw new MstfError('INVALID_ARGUMENT', 'score_architecture: give a genotype, or {searchId, hash}');
          if (hash !== undefined) throw new MstfError('INVALID_ARGUMENT', 'hash: give the searchId it belongs to');
          if (typeof options.dataDir === 'string') options.dataDir = ctx.guard.resolve('dataDir', options.dataDir);
          configInput = options;
          genotypeText = text;
        }
        const config = resolveSearchConfig(configInput);
        const setup = resolveSetup(ctx.kernel, config);
        const genes = setup.space.parse(genotypeText);
        const genesHash = setup.space.hash(genes);
        const described = describeArchitecture(ctx.kernel, {
          space: config.space,
          genotype: genes,
          inputShape: setup.inputShape,
          classes: setup.dataset.info.classes,
          options: setup.spaceOptions,
        });
        // The network is built and scored in a pool thread (the batch is drawn there too), so this server keeps
        // answering other calls meanwhile.
        const spec = evaluationSpec(setup, ctx.kernel, 'dataset');
        spec.scores = config.indicators.map((id) => ({
          id,
          options: setup.indicatorOptions[id] ?? ctx.kernel.optionsOf('indicator', id),
        }));
        const token = extra._meta?.progressToken;
        const progress: Promise<void>[] = [];
        const row = await scoringPool().evaluate(spec, setup.space.format(genes), {
          signal: extra.signal,
          onProgress: ({ indicator, index, total }) => {
            if (token === undefined) return;
            progress.push(
              extra.sendNotification({
                method: 'notifications/progress',
                params: {
                  progressToken: token,
                  progress: index,
                  total,
                  message: `scoring ${indicator} (${index + 1}/${total})`,
                },
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
          hash: genesHash,
          context: contextOf(setup),
          scores,
          ...(stored ? { stored } : {}),
          ...(level === 'full' ? { details } : {}),
          flops: described.flops,
          params: described.params,
          degenerate: described.degenerate,
        });
      }),
  );
}
