/**
 * The end-to-end flow both transports must pass (stdio.test.ts, http.test.ts): list, start a tiny search,
 * watch it complete, compare its results with the CLI, cancel a longer one, refuse bad arguments.
 */
import { expect } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { call, callOk, cliJson, pollStatus, sleep, textOf, type Workspace } from './harness.js';

export const TOOL_NAMES = [
  'list_extensions',
  'list_datasets',
  'describe_architecture',
  'score_architecture',
  'start_search',
  'get_search_status',
  'get_pareto_front',
  'get_selected_architecture',
  'cancel_search',
  'list_searches',
  'resume_search',
  'start_training',
  'get_training_status',
  'list_trainings',
  'cancel_training',
  'compare',
  'fetch_dataset',
];

/** Population 4, offspring 4, 2 generations at C0 = 4, batch 8: 8 evaluations, a few seconds. */
export const TINY = {
  dataset: 'breastmnist',
  population: 4,
  offspring: 4,
  generations: 2,
  channels: 4,
  batchSize: 8,
  seed: 3,
};

/** Collects `notifications/resources/updated` by URI. */
export function collectUpdates(client: Client): Map<string, number> {
  const updates = new Map<string, number>();
  client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => {
    updates.set(n.params.uri, (updates.get(n.params.uri) ?? 0) + 1);
  });
  return updates;
}

export async function listsEveryTool(client: Client): Promise<void> {
  const { tools } = await client.listTools();
  const names = tools.map((t) => t.name);
  for (const n of TOOL_NAMES) expect(names).toContain(n);
  for (const t of tools) {
    expect(t.inputSchema.type).toBe('object');
    expect(t.outputSchema?.type, `${t.name} output schema`).toBe('object');
    // Every tool says whether it reads only, destroys, can be repeated, and reaches outside the workspace.
    const a = t.annotations ?? {};
    for (const hint of ['readOnlyHint', 'destructiveHint', 'idempotentHint', 'openWorldHint'] as const) {
      expect(typeof a[hint], `${t.name} ${hint}`).toBe('boolean');
    }
    // Only fetch_dataset talks to the outside world (the dataset host).
    expect(a.openWorldHint, `${t.name} openWorldHint`).toBe(t.name === 'fetch_dataset');
  }
  // Portable schemas (the MCP Inspector's --strict rules): no `type: [x, "null"]`, no bare `{}` value schema.
  const walk = (node: unknown, at: string): void => {
    if (Array.isArray(node)) {
      node.forEach((n, i) => {
        walk(n, `${at}[${i}]`);
      });
      return;
    }
    if (node === null || typeof node !== 'object') return;
    const o = node as Record<string, unknown>;
    expect(Array.isArray(o.type), `${at}.type is an array`).toBe(false);
    const ap = o.additionalProperties;
    if (ap !== null && typeof ap === 'object')
      expect(Object.keys(ap).length, `${at}.additionalProperties is {}`).toBeGreaterThan(0);
    for (const [k, v] of Object.entries(o)) walk(v, `${at}.${k}`);
  };
  for (const t of tools) {
    walk(t.inputSchema, `${t.name}.inputSchema`);
    walk(t.outputSchema, `${t.name}.outputSchema`);
  }
  // start_search takes the same options as `mstf search` (SearchConfigSchema).
  const start = tools.find((t) => t.name === 'start_search')!;
  for (const k of [
    'dataset',
    'indicators',
    'population',
    'offspring',
    'generations',
    'channels',
    'batchSize',
    'seed',
  ]) {
    expect(Object.keys(start.inputSchema.properties ?? {})).toContain(k);
  }
}

/**
 * start_search returns before the search has run (queued or running, never completed), the search completes
 * in its own process, and get_pareto_front / get_selected_architecture equal `runs show --json`.
 */
export async function searchCompletesAndMatchesCli(client: Client, ws: Workspace): Promise<string> {
  const updates = collectUpdates(client);
  await client.subscribeResource({ uri: 'mstf://searches' });

  const started = await callOk(client, 'start_search', TINY);
  expect(started.searchId).toMatch(/\S/);
  expect(['queued', 'running']).toContain(started.status);
  const id: string = started.searchId;

  const listed = await callOk(client, 'list_searches');
  expect(listed.searches.map((s: { id: string }) => s.id)).toContain(id);

  const done = await pollStatus(client, id, (s) => s.status === 'completed');
  expect(done.evaluated).toBe(done.total);
  expect(done.total).toBe(TINY.population + TINY.offspring * (TINY.generations - 1));
  expect(done.generation).toBe(TINY.generations - 1);
  expect(Object.keys(done.best).sort()).toEqual(['jacob_cov', 'synflow']);

  const shown = await cliJson(ws, ['runs', 'show', id, '--json']);
  const pareto = await callOk(client, 'get_pareto_front', { searchId: id, detail: 'full' });
  const selected = await callOk(client, 'get_selected_architecture', { searchId: id });
  // The CLI's members, each with the context it was searched in (the search's C0, not the space default).
  const context = {
    space: 'mstf',
    options: { channels: TINY.channels, blocks: 3 },
    dataset: TINY.dataset,
    inputShape: [28, 28, 1],
    classes: 2,
  };
  expect(pareto.basis).toBe('final');
  expect(pareto.pareto).toMatchObject(shown.pareto.map((m: object) => ({ ...m, context })));
  expect(pareto.pareto.length).toBeGreaterThan(0);
  expect(selected.selected).toMatchObject({ ...shown.selected, context });
  expect(selected.selected.genotype).toMatch(/^\d+(,\d+)+$/);
  // The summary keeps hash, size and scores of each member, and flags the pick.
  const summary = await callOk(client, 'get_pareto_front', { searchId: id });
  expect(summary.pareto.map((m: { hash: string }) => m.hash)).toEqual(
    shown.pareto.map((m: { hash: string }) => m.hash),
  );
  expect(summary.pareto.filter((m: { selected?: boolean }) => m.selected).map((m: { hash: string }) => m.hash)).toEqual(
    [shown.selected.hash],
  );

  // The resources show the same as the tools.
  const res = await client.readResource({ uri: `mstf://searches/${id}/pareto` });
  expect(JSON.parse((res.contents[0] as { text: string }).text).pareto).toMatchObject(shown.pareto);
  const one = await client.readResource({ uri: `mstf://searches/${id}` });
  const body = JSON.parse((one.contents[0] as { text: string }).text);
  expect(body.config.population).toBe(TINY.population);
  expect(body.status.status).toBe('completed');

  // The list subscription was made before the search existed: its appearance alone is a change.
  await waitFor(() => (updates.get('mstf://searches') ?? 0) > 0, 'resources/updated for mstf://searches');
  await client.unsubscribeResource({ uri: 'mstf://searches' });

  // Cancelling a completed search is a no-op that reports the status.
  const again = await callOk(client, 'cancel_search', { searchId: id });
  expect(again.status).toBe('completed');
  return id;
}

/**
 * A search with a large budget is still running when cancelled: it ends "cancelled", a second cancel is a no-op,
 * and a subscriber to mstf://searches/{id} hears about its generations and the end.
 */
export async function cancelStopsARunningSearch(client: Client): Promise<void> {
  const updates = collectUpdates(client);
  const { searchId: id } = await callOk(client, 'start_search', { ...TINY, generations: 500, seed: 5 });
  const uri = `mstf://searches/${id}`;
  await client.subscribeResource({ uri });
  // Wait for a checkpointed generation, so the search is demonstrably running when cancelled.
  await pollStatus(client, id, (s) => s.status === 'running' && s.generation >= 1);
  await waitFor(() => (updates.get(uri) ?? 0) > 0, `resources/updated for ${uri}`);
  const before = updates.get(uri)!;

  const first = await callOk(client, 'cancel_search', { searchId: id });
  expect(['running', 'cancelled']).toContain(first.status);
  const end = await pollStatus(client, id, (s) => s.status === 'cancelled');
  expect(end.generation).toBeLessThan(499);
  expect(end.alive).toBe(false);
  const second = await callOk(client, 'cancel_search', { searchId: id });
  expect(second.status).toBe('cancelled');
  // A cancelled search still answers its best so far: the front and pick of its last finished generation.
  // The pick maximises p1 + p2 (normalised), i.e. minimises f1 + f2 of Eq. (5): it is on the front.
  const front = await callOk(client, 'get_pareto_front', { searchId: id });
  const pick = await callOk(client, 'get_selected_architecture', { searchId: id });
  expect(front.basis).toBe('best-so-far');
  expect(front.generation).toBe(end.generation);
  expect(front.pareto.length).toBeGreaterThan(0);
  expect(pick.basis).toBe('best-so-far');
  expect(front.pareto.map((m: { hash: string }) => m.hash)).toContain(pick.selected.hash);
  expect(pick.selected.context.options.channels).toBe(TINY.channels);
  await waitFor(() => updates.get(uri)! > before, `resources/updated for ${uri} after the cancel`);
  await client.unsubscribeResource({ uri });
}

/** Bad arguments: one clear isError line each, and the server keeps serving. */
export async function badArgumentsAreOneLineErrors(client: Client): Promise<void> {
  const before = (await callOk(client, 'list_searches')).searches.length;
  const cases: [string, Record<string, unknown>, RegExp][] = [
    ['start_search', { ...TINY, dataset: 'no-such-dataset' }, /dataset.*no-such-dataset|no-such-dataset.*dataset/i],
    ['start_search', { ...TINY, population: -4 }, /population/],
    ['start_search', { ...TINY, dataDir: '/etc' }, /dataDir: \/etc is outside/],
    // Missing data points to the tool that fetches it, not to a command line.
    ['start_search', { ...TINY, size: 64 }, /call fetch_dataset \{"dataset": "breastmnist", "size": 64\}$/],
    ['describe_architecture', { genotype: '1,2,banana' }, /banana/],
    ['describe_architecture', { genotype: '1,2,3' }, /genotype has 3 genes/],
    ['get_search_status', { searchId: 'no-such-search' }, /no-such-search/],
    ['get_training_status', { trainingId: '../../etc' }, /trainingId/],
    [
      'start_training',
      { model: 'resnet18', dataset: 'breastmnist', channels: 8 },
      /channels and blocks apply to searched architectures, not to model resnet18/,
    ],
  ];
  for (const [tool, args, pattern] of cases) {
    const r = await call(client, tool, args);
    expect(r.isError, `${tool} ${JSON.stringify(args)} should fail`).toBe(true);
    const text = textOf(r);
    expect(text).toMatch(pattern);
    expect(text.split('\n').length, `one line: ${text}`).toBe(1);
    expect(text, 'no class-name prefix').not.toMatch(/^\w*Error: /);
    expect(text, 'no command-line advice').not.toMatch(/`mstf |--\w/);
  }
  // Nothing was stored for the refused searches, and the server still answers.
  const { searches } = await callOk(client, 'list_searches');
  expect(searches.length).toBe(before);
  const ds = await callOk(client, 'list_datasets');
  expect(ds.datasets.map((d: { id: string }) => d.id)).toContain('breastmnist');
}

export async function waitFor(cond: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}
