import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { EXTENSION_KINDS, type ExtensionKind } from '../../core/contracts/extension.js';
import { hasStorage } from '../../core/data/storage.js';
import { fetchDataset } from '../../core/data/fetch.js';
import type { McpContext } from '../context.js';
import { guarded, ok } from '../result.js';
import { detail, idempotentRead } from './common.js';

/** list_extensions and list_datasets: what this server can search with. */
export function registerCatalogTools(server: McpServer, ctx: McpContext): void {
  server.registerTool(
    'list_extensions',
    {
      title: 'List extensions',
      description:
        'Registered extensions (search spaces, indicators, objectives, optimizers, datasets, executors, engines): ' +
        'kind, id, plugin, version, description. Option JSON schemas only with schemas: true (long); ids narrows ' +
        'the list to some extensions.',
      inputSchema: {
        kind: z.enum(EXTENSION_KINDS).optional().describe('only this kind'),
        ids: z.array(z.string().min(1)).optional().describe('only these extension ids'),
        schemas: z.boolean().default(false).describe("add each extension's options JSON schema"),
      },
      outputSchema: {
        extensions: z.array(
          z.object({
            kind: z.enum(EXTENSION_KINDS),
            id: z.string(),
            plugin: z.string(),
            version: z.string(),
            description: z.string(),
            options: z.record(z.string(), z.unknown()).nullable().optional(),
          }),
        ),
      },
      annotations: idempotentRead,
    },
    async ({ kind, ids, schemas }) =>
      guarded(() => {
        const kinds: readonly ExtensionKind[] = kind ? [kind] : EXTENSION_KINDS;
        const extensions = kinds.flatMap((k) =>
          ctx.kernel
            .registry(k)
            .list()
            .filter((e) => ids === undefined || ids.includes(e.extension.id))
            .map((e) => ({
              kind: k,
              id: e.extension.id,
              plugin: e.plugin,
              version: e.version,
              description: e.extension.description,
              ...(schemas
                ? {
                    options: e.extension.optionsSchema
                      ? (z.toJSONSchema(e.extension.optionsSchema, { io: 'input', unrepresentable: 'any' }) as Record<
                          string,
                          unknown
                        >)
                      : null,
                  }
                : {}),
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
        'Registered datasets: task, classes, channels, split sizes, image sizes and the sizes present locally ' +
        '(fetch_dataset downloads the others). detail "full" adds descriptions, label names and file paths.',
      inputSchema: { ids: z.array(z.string().min(1)).optional().describe('only these datasets'), detail },
      outputSchema: {
        dataDir: z.string(),
        datasets: z.array(
          z.object({
            id: z.string(),
            task: z.string(),
            classes: z.number(),
            channels: z.number(),
            splits: z.record(z.string(), z.number()),
            sizes: z.array(z.number()),
            present: z.array(z.number()).describe('image sizes whose files are here'),
            description: z.string().optional(),
            plugin: z.string().optional(),
            labelNames: z.array(z.string()).optional(),
            local: z
              .array(
                z.object({
                  size: z.number(),
                  present: z.boolean(),
                  path: z.string().nullable(),
                  embedded: z.boolean(),
                }),
              )
              .optional(),
          }),
        ),
      },
      annotations: idempotentRead,
    },
    async ({ ids, detail: level }) =>
      guarded(() => {
        const loc = { dataDir: ctx.settings.dataDir };
        const datasets = ctx.kernel
          .registry('dataset')
          .list()
          .filter((e) => ids === undefined || ids.includes(e.extension.id))
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
            const row = {
              id: ds.id,
              task: info.task,
              classes: info.classes,
              channels: info.channels,
              splits: info.splits,
              sizes: info.sizes,
              present: local.filter((l) => l.present).map((l) => l.size),
            };
            return level === 'full'
              ? { ...row, description: ds.description, plugin: e.plugin, labelNames: info.labelNames, local }
              : row;
          });
        return ok({ dataDir: ctx.settings.dataDir, datasets });
      }),
  );

  server.registerTool(
    'fetch_dataset',
    {
      title: 'Download a dataset',
      description:
        'Download one image size of a dataset into the data directory (MD5-checked, atomic). A file already ' +
        'there with the right checksum is kept. Reaches the dataset host (Zenodo for MedMNIST). With a ' +
        'progressToken, progress notifications report the bytes received.',
      inputSchema: {
        dataset: z.string().min(1).describe('dataset id (list_datasets)'),
        size: z.number().int().min(1).default(28).describe('image size (MedMNIST: 28, 64, 128 or 224)'),
      },
      outputSchema: {
        dataset: z.string(),
        size: z.number(),
        path: z.string(),
        bytes: z.number(),
        alreadyPresent: z.boolean(),
      },
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
    },
    async ({ dataset, size }, extra) =>
      guarded(async () => {
        const ds = ctx.kernel.registry('dataset').get(dataset);
        const token = extra._meta?.progressToken;
        let last = 0;
        const r = await fetchDataset(
          ds,
          { dataDir: ctx.settings.dataDir },
          {
            size,
            onProgress: (p) => {
              if (token === undefined || Date.now() - last < 1000) return;
              last = Date.now();
              void extra
                .sendNotification({
                  method: 'notifications/progress',
                  params: {
                    progressToken: token,
                    progress: p.received,
                    ...(p.total ? { total: p.total } : {}),
                    message: `${dataset} ${size}x${size}`,
                  },
                })
                .catch(() => undefined);
            },
          },
        );
        ctx.log(
          `dataset ${dataset} ${size}x${size}: ${r.alreadyPresent ? 'already present' : 'downloaded'} at ${r.path}`,
          'info',
        );
        return ok({ dataset, size, path: r.path, bytes: r.bytes, alreadyPresent: r.alreadyPresent });
      }),
  );
}
