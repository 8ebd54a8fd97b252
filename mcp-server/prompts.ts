/**
 * Prompts for the standard workflows, with argument completions (dataset ids, search ids, indicator ids,
 * model ids) so a client can offer the valid values. Each prompt is one user message naming the tools to
 * call in order, with the arguments filled in.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { completable } from '@modelcontextprotocol/sdk/server/completable.js';
import { z } from 'zod';
import { modelIds } from '../core/models/index.js';
import type { McpContext } from './context.js';
import { listSearchSummaries } from './searches.js';

const startsWith = (values: string[], prefix: string | undefined) =>
  values.filter((v) => v.startsWith(prefix ?? '')).slice(0, 100);

function user(text: string) {
  return { messages: [{ role: 'user' as const, content: { type: 'text' as const, text } }] };
}

export function registerPrompts(server: McpServer, ctx: McpContext): void {
  const datasetIds = () => ctx.kernel.registry('dataset').ids().sort();
  const indicatorIds = () => ctx.kernel.registry('indicator').ids().sort();
  const dataset = completable(z.string().describe('dataset id, e.g. breastmnist'), (v) => startsWith(datasetIds(), v));
  /** A comma-separated list: complete the last item, keep the ones before. */
  const indicators = completable(
    z.string().optional().describe('comma-separated indicator ids (default jacob_cov,synflow)'),
    (v) => {
      const parts = (v ?? '').split(',');
      const head = parts.slice(0, -1).map((p) => p.trim());
      return startsWith(indicatorIds(), parts[parts.length - 1]!.trim())
        .filter((id) => !head.includes(id))
        .map((id) => [...head, id].join(','));
    },
  );
  const searchId = completable(z.string().describe('a search id (list_searches)'), (v) =>
    startsWith(
      listSearchSummaries(ctx).map((s) => s.id),
      v,
    ),
  );
  // Optional arguments: completable wraps the optional schema (the SDK looks for the completer on the field itself).
  const baseline = completable(
    z
      .string()
      .optional()
      .describe(`baseline model: ${modelIds().join(' or ')} (default resnet18)`),
    (v) => startsWith(modelIds(), v),
  );

  server.registerPrompt(
    'find_small_architecture',
    {
      title: 'Find a small architecture for a dataset',
      description:
        'Search the mstf space for a dataset and report the pick and the Pareto front (params, FLOPs, scores)',
      argsSchema: {
        dataset,
        preset: completable(z.string().optional().describe('cpu (minutes, default) or paper'), (v) =>
          startsWith(['cpu', 'paper'], v),
        ),
      },
    },
    ({ dataset: ds, preset }) =>
      user(
        `Find a good small CNN for the medical image dataset ${ds} with mstf. ` +
          `1) list_datasets {"ids": ["${ds}"]}; if its smallest size is not present, fetch_dataset {"dataset": "${ds}"}. ` +
          `2) start_search {"dataset": "${ds}", "preset": "${preset ?? 'cpu'}"}. ` +
          `3) get_search_status with waitSeconds 30 until status is completed (pollAfterSeconds says when to ask again). ` +
          `4) get_selected_architecture and get_pareto_front; report params, FLOPs and scores of the pick and the front. ` +
          `Refer to architectures by {searchId, hash}; never re-type a genotype.`,
      ),
  );

  server.registerPrompt(
    'compare_with_baseline',
    {
      title: 'Compare a searched architecture with a baseline',
      description:
        'Train the pick of a search and a baseline (ResNet-18 by default) with the same protocol and compare them',
      argsSchema: {
        searchId,
        baseline,
        epochs: z.string().describe('epochs for both trainings (protocol: 100)').optional(),
      },
    },
    ({ searchId: id, baseline: model, epochs }) => {
      const m = model ?? 'resnet18';
      const e = epochs ?? '100';
      return user(
        `Compare the architecture search ${id} picked with ${m}. ` +
          `1) get_selected_architecture {"searchId": "${id}"} (its context gives the dataset). ` +
          `2) start_training {"searchId": "${id}", "epochs": ${e}} and start_training {"model": "${m}", "dataset": <that dataset>, "epochs": ${e}}. ` +
          `3) get_training_status for each until completed (pollAfterSeconds). ` +
          `4) compare {"items": [{"trainingId": <pick>}, {"trainingId": <${m}>}]} and report params, FLOPs, test ACC / AUC and time side by side.`,
      );
    },
  );

  server.registerPrompt(
    'reproduce_paper_row',
    {
      title: 'Reproduce a row of the MSTF-NAS paper tables',
      description:
        'Paper budget search + 100-epoch training on one MedMNIST subset (Tables II/III; indicator pairs: Table VIII)',
      argsSchema: { dataset, indicators },
    },
    ({ dataset: ds, indicators: ind }) => {
      const ids = (ind ?? 'jacob_cov,synflow')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      return user(
        `Reproduce the MSTF-NAS paper result for ${ds} with indicators ${ids.join(' + ')}. ` +
          `1) start_search {"dataset": "${ds}", "preset": "paper", "indicators": ${JSON.stringify(ids)}} (population 40, 30 generations, C0 128: hours on a CPU; start_search gives an estimate). ` +
          `2) Follow it with get_search_status (waitSeconds 30). ` +
          `3) start_training {"searchId": <id>, "epochs": 100} (the official MedMNIST protocol) and start_training {"model": "resnet18", "dataset": "${ds}", "epochs": 100}. ` +
          `4) compare both trainings and set the test ACC / AUC next to the paper's row for ${ds} (Tables II and III; Table VIII for other indicator pairs).`,
      );
    },
  );
}
