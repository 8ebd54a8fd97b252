import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { EXTENSION_KINDS, type ExtensionKind } from '../../core/contracts/extension.js';
import { hasStorage } from '../../core/data/storage.js';
import type { McpContext } from '../context.js';
import { guarded, ok } from '../result.js';

/** list_extensions and list_datasets: what this server can search with. */
export function registerCatalogTools(server: McpServer, ctx: McpContext): void {
  server.registerTool(
    'list_extensions',
    {
      title: 'List extensions',
      description:
        'Every registered extension (search spaces, indicators, objectives, optimizers, datasets, executors, engines) ' +
        'with its plugin, version, description and options JSON schema. Same rows as `mstf extensions list --json`.',
      inputSchema: { kind: z.enum(EXTENSION_KINDS).optional().describe('only this kind') },
      outputSchema: {
        extensions: z.array(
          z.object({
            kind: z.enum(EXTENSION_KINDS),
            id: z.string(),
            plugin: z.string(),
            version: z.string(),
            description: z.string(),
            options: z.record(z.string(), z.unknown()).nullable(),
          }),
        ),
      },
      annotations: { readOnlyHint: true },
    },
    async ({ kind }) =>
      guarded(() => {
        const kinds: readonly ExtensionKind[] = kind ? [kind] : EXTENSION_KINDS;
        const extensions = kinds.flatMap((k) =>
          ctx.kernel
            .registry(k)
            .list()
            .map((e) => ({
              kind: k,
              id: e.extension.id,
              plugin: e.plugin,
              version: e.version,
              description: e.extension.description,
              options: e.extension.optionsSchema
                ? (z.toJSONSchema(e.extension.optionsSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>)
                : null,
            })),
        );
        return ok({ extensions });
      }),
  );

  server.registerTool(
    'list_datasets',
    {
      title: 'List datasets',
      description:
        'Registered datasets with task, classes, channels, split sizes, image sizes, and for each size whether ' +
        'its files are present locally (data directory or the copy shipped with mstf) and where.',
      inputSchema: {},
      outputSchema: {
        dataDir: z.string(),
        datasets: z.array(
          z.object({
            id: z.string(),
            description: z.string(),
            plugin: z.string(),
            task: z.string(),
            classes: z.number(),
            labelNames: z.array(z.string()),
            channels: z.number(),
            splits: z.record(z.string(), z.number()),
            sizes: z.array(z.number()),
            local: z.array(z.object({ size: z.number(), present: z.boolean(), path: z.string().nullable(), embedded: z.boolean() })),
          }),
        ),
      },
      annotations: { readOnlyHint: true },
    },
    async () =>
      guarded(() => {
        const loc = { dataDir: ctx.settings.dataDir };
        const datasets = ctx.kernel
          .registry('dataset')
          .list()
          .map((e) => {
            const ds = e.extension;
            const info = ds.info;
            const local = info.sizes.map((size) => {
              if (hasStorage(ds)) {
                const f = ds.locate(loc, size);
                return { size, present: !!f, path: f?.path ?? null, embedded: f?.embedded ?? false };
              }
              return { size, present: ds.isPresent(loc, size), path: null, embedded: false };
            });
            return {
              id: ds.id,
              description: ds.description,
              plugin: e.plugin,
              task: info.task,
              classes: info.classes,
              labelNames: info.labelNames,
              channels: info.channels,
              splits: info.splits,
              sizes: info.sizes,
              local,
            };
          });
        return ok({ dataDir: ctx.settings.dataDir, datasets });
      }),
  );
}
