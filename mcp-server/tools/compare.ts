import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { networkCost } from '../../core/ir/cost.js';
import { getModelSource, modelIds } from '../../core/models/index.js';
import { searchMember } from '../architectures.js';
import type { McpContext } from '../context.js';
import { guarded, ok } from '../result.js';
import { trainingReport } from '../trainings.js';
import { idempotentRead } from './common.js';

const item = z.union([
  z.strictObject({ trainingId: z.string().min(1).describe('a training (list_trainings)') }),
  z.strictObject({
    searchId: z
      .string()
      .min(1)
      .describe('a search: its pick, or with hash any member (untrained: size and scores only)'),
    hash: z.string().min(4).optional(),
  }),
  z.strictObject({
    model: z.enum(modelIds() as [string, ...string[]]).describe('a fixed model, untrained (size only)'),
    dataset: z.string().min(1).default('breastmnist'),
  }),
]);

const row = z.object({
  name: z.string(),
  kind: z.enum(['training', 'architecture', 'model']),
  id: z.string().describe('trainingId, searchId:hash or model id'),
  dataset: z.string().nullable(),
  params: z.number().nullable(),
  flops: z.number().nullable().describe('multiply-accumulates per image'),
  state: z.string().nullable().describe('training state (null: not a training)'),
  epochs: z.number().nullable(),
  testAcc: z.number().nullable(),
  testAuc: z.number().nullable(),
  bestValAuc: z.number().nullable(),
  trainSeconds: z.number().nullable(),
  wallSeconds: z.number().nullable(),
  scores: z.record(z.string(), z.number().nullable()).nullable().describe('raw indicator values of a search member'),
});
type Row = z.infer<typeof row>;

/** compare: trainings and architectures side by side, one row each, the same columns for all. */
export function registerCompareTool(server: McpServer, ctx: McpContext): void {
  server.registerTool(
    'compare',
    {
      title: 'Compare trainings and architectures',
      description:
        'One small table, one row per item: params, FLOPs, and for trainings the state, epochs, test ACC / AUC, ' +
        'best validation AUC and time. Items: {trainingId}, {searchId[, hash]} (an architecture of a search, ' +
        'untrained) or {model, dataset} (a fixed model, untrained). paramsRatio / flopsRatio are relative to ' +
        'the first row.',
      inputSchema: { items: z.array(item).min(1).max(20).describe('what to put side by side, in this order') },
      outputSchema: {
        rows: z.array(row.extend({ paramsRatio: z.number().nullable(), flopsRatio: z.number().nullable() })),
      },
      annotations: idempotentRead,
    },
    async ({ items }) =>
      guarded(() => {
        const rows: Row[] = items.map((it) => {
          const none = {
            state: null,
            epochs: null,
            testAcc: null,
            testAuc: null,
            bestValAuc: null,
            trainSeconds: null,
            wallSeconds: null,
            scores: null,
          };
          if ('trainingId' in it) {
            const r = trainingReport(ctx, it.trainingId);
            return {
              ...none,
              name: r.name,
              kind: 'training' as const,
              id: r.trainingId,
              dataset: r.dataset,
              params: r.params,
              flops: r.flops,
              state: r.state,
              epochs: r.epoch,
              testAcc: r.test?.acc ?? null,
              testAuc: r.test?.auc ?? null,
              bestValAuc: r.bestValAuc,
              trainSeconds: r.trainSeconds,
              wallSeconds: r.wallSeconds,
            };
          }
          if ('searchId' in it) {
            const m = searchMember(ctx, it.searchId, it.hash);
            const c = m.arch.context;
            return {
              ...none,
              name: `${c.space}${c.options.channels !== undefined ? ` C0=${String(c.options.channels)}` : ''} ${m.arch.hash.slice(0, 8)}`,
              kind: 'architecture' as const,
              id: `${it.searchId}:${m.arch.hash.slice(0, 12)}`,
              dataset: c.dataset,
              params: m.arch.params,
              flops: m.arch.flops,
              scores: m.arch.scores,
            };
          }
          const info = ctx.kernel.registry('dataset').get(it.dataset).info;
          const size = Math.min(...info.sizes);
          const cost = networkCost(
            getModelSource(it.model).build({ inputShape: [size, size, info.channels], classes: info.classes }),
          );
          return {
            ...none,
            name: it.model,
            kind: 'model' as const,
            id: it.model,
            dataset: it.dataset,
            params: cost.params,
            flops: cost.flops,
          };
        });
        const first = rows[0]!;
        const ratio = (v: number | null, ref: number | null) =>
          v !== null && ref ? Number((v / ref).toFixed(3)) : null;
        // Columns in one order for every row (the order row declares), ratios after params and FLOPs.
        const columns = Object.keys(row.shape) as (keyof Row)[];
        return ok({
          rows: rows.map((r) => {
            const ordered: Record<string, unknown> = {};
            for (const k of columns) {
              ordered[k] = r[k];
              if (k === 'flops') {
                ordered.paramsRatio = ratio(r.params, first.params);
                ordered.flopsRatio = ratio(r.flops, first.flops);
              }
            }
            return ordered;
          }),
        });
      }),
  );
}
