/**
 * The MCP server end to end over stdio: the SDK's own Client spawns the built `node bin/run.js mcp` in a
 * temporary workspace and drives the whole flow.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  assertBuilt,
  call,
  callOk,
  cliJson,
  connectStdio,
  isAlive,
  sleep,
  textOf,
  makeWorkspace,
  stopStarted,
  type Connected,
  type Workspace,
} from './harness.js';
import {
  badArgumentsAreOneLineErrors,
  cancelStopsARunningSearch,
  listsEveryTool,
  searchCompletesAndMatchesCli,
  TINY,
} from './flow.js';

describe('mstf mcp over stdio', () => {
  let ws: Workspace;
  let conn: Connected;
  let searchId: string;

  beforeAll(async () => {
    assertBuilt();
    ws = makeWorkspace();
    conn = await connectStdio(ws);
  });

  afterAll(async () => {
    await conn?.close();
    await stopStarted();
    ws?.cleanup();
  });

  it('lists every tool with input and output schemas', async () => {
    await listsEveryTool(conn.client);
  });

  it('list_extensions and list_datasets show what `mstf extensions list` and the shipped data show', async () => {
    const { extensions } = await callOk(conn.client, 'list_extensions', { kind: 'indicator', schemas: true });
    const cli = await cliJson(ws, ['extensions', 'list', '--kind', 'indicator', '--json']);
    expect(extensions).toEqual(cli);
    expect(extensions.map((e: { id: string }) => e.id)).toEqual(expect.arrayContaining(['jacob_cov', 'synflow']));
    // Without schemas: the same rows less their option schemas; `ids` narrows them.
    const short = await callOk(conn.client, 'list_extensions', { kind: 'indicator' });
    expect(short.extensions).toEqual(cli.map(({ options: _o, ...rest }: { options: unknown }) => rest));
    const two = await callOk(conn.client, 'list_extensions', { ids: ['jacob_cov', 'synflow'] });
    expect(two.extensions.map((e: { id: string }) => e.id).sort()).toEqual(['jacob_cov', 'synflow']);
    const { datasets } = await callOk(conn.client, 'list_datasets', { detail: 'full' });
    const breast = datasets.find((d: { id: string }) => d.id === 'breastmnist');
    // BreastMNIST: 2 classes, 1 channel, 546 / 78 / 156 images (MedMNIST v2 paper); 28x28 ships with mstf.
    expect(breast).toMatchObject({ classes: 2, channels: 1, splits: { train: 546, val: 78, test: 156 } });
    expect(breast.local.find((l: { size: number }) => l.size === 28)).toMatchObject({ present: true, embedded: true });
  });

  it('starts a tiny search that completes in its own process; results equal `runs show --json`', async () => {
    searchId = await searchCompletesAndMatchesCli(conn.client, ws);
  });

  it('score_architecture reproduces the raw scores the search recorded, with a progress notification per indicator', async () => {
    const { selected } = await callOk(conn.client, 'get_selected_architecture', { searchId });
    const progress: { progress: number; total?: number }[] = [];
    const r = await conn.client.callTool(
      {
        name: 'score_architecture',
        arguments: {
          genotype: selected.genotype,
          dataset: TINY.dataset,
          channels: TINY.channels,
          batchSize: TINY.batchSize,
          seed: TINY.seed,
        },
      },
      undefined,
      { onprogress: (p) => progress.push(p) },
    );
    expect(r.isError).toBeFalsy();
    const scored = r.structuredContent as {
      scores: Record<string, number>;
      hash: string;
      flops: number;
      params: number;
    };
    // The search scored this genotype in another process: same batch, same initialisation, same numbers.
    expect(scored.hash).toBe(selected.hash);
    expect(scored.scores.jacob_cov).toBeCloseTo(selected.scores.jacob_cov, 6);
    expect(scored.scores.synflow).toBeCloseTo(selected.scores.synflow, 6);
    expect(scored.flops).toBe(selected.flops);
    expect(scored.params).toBe(selected.params);
    // {searchId} alone: the search's own options and the pick, and bit-identical scores.
    const again = await callOk(conn.client, 'score_architecture', { searchId });
    expect(again.hash).toBe(selected.hash);
    expect(again.scores.jacob_cov).toBe(selected.scores.jacob_cov);
    expect(again.scores.synflow).toBe(selected.scores.synflow);
    expect(again.stored.jacob_cov).toBe(selected.scores.jacob_cov);
    // One notification as each of the 2 indicators starts: progress = indicators done so far.
    expect(progress, JSON.stringify(progress)).toHaveLength(2);
    expect(progress.map((p) => p.progress)).toEqual([0, 1]);
    expect(progress.every((p) => p.total === 2)).toBe(true);
  });

  it('describe_architecture gives the FLOPs and params the search recorded for the same genotype', async () => {
    const { selected } = await callOk(conn.client, 'get_selected_architecture', { searchId });
    const d = await callOk(conn.client, 'describe_architecture', {
      genotype: selected.genotype,
      dataset: TINY.dataset,
      channels: TINY.channels,
      detail: 'full',
    });
    expect(d.genotype).toBe(selected.genotype);
    expect(d.hash).toBe(selected.hash);
    expect(d.flops).toBe(selected.flops);
    expect(d.params).toBe(selected.params);
    expect(d.context.inputShape).toEqual([28, 28, 1]);
    // The layers add up to the totals, and so do the per-stage rows.
    expect(d.layers.reduce((s: number, l: { params: number }) => s + l.params, 0)).toBe(d.params);
    expect(d.groups.reduce((s: number, g: { flops: number }) => s + g.flops, 0)).toBe(d.flops);
    expect(d.genes.length).toBe(42);
    // {searchId} alone describes the same network without re-typing anything, and the summary is short.
    const bySearch = await call(conn.client, 'describe_architecture', { searchId });
    const short = bySearch.structuredContent as any;
    expect(short).toMatchObject({
      hash: selected.hash,
      params: d.params,
      flops: d.flops,
      context: { options: { channels: TINY.channels } },
    });
    expect(short.layers).toBeUndefined();
    expect(textOf(bySearch).length).toBeLessThan(1500);
  });

  it('start_training trains the selected architecture in the background; get_training_status reads its status.json', async () => {
    const refused = await call(conn.client, 'start_training', { searchId, epochs: 1, predictions: '../elsewhere.csv' });
    expect(refused.isError).toBe(true);
    expect(textOf(refused)).toMatch(/^predictions: \.\.\/elsewhere\.csv is outside the workspace/);
    const unknown = await call(conn.client, 'start_training', { searchId: 'no-such-search', epochs: 1 });
    expect(unknown.isError).toBe(true);
    expect(textOf(unknown)).toMatch(/no-such-search/);

    const started = await callOk(conn.client, 'start_training', {
      searchId,
      epochs: 1,
      batchSize: 32,
      maxTrain: 64,
      maxEval: 24,
      predictions: 'preds.csv',
    });
    expect(started.state).toBe('starting');
    expect(started.outDir).toBe(path.join(ws.dir, '.mstf', 'trainings', started.trainingId));
    let s: any;
    for (const deadline = Date.now() + 100_000; ; ) {
      s = await callOk(conn.client, 'get_training_status', { trainingId: started.trainingId });
      if (s.state === 'completed' || s.state === 'failed') break;
      if (Date.now() > deadline) throw new Error(`training still ${s.state}`);
      await sleep(300);
    }
    expect(s.error).toBeNull();
    expect(s.state).toBe('completed');
    // The same numbers as the status.json the training wrote.
    const file = JSON.parse(fs.readFileSync(path.join(started.outDir, 'status.json'), 'utf8'));
    expect(s.epoch).toBe(1);
    expect(s.epochs).toBe(1);
    expect(s.test.acc).toBeCloseTo(file.metrics.test.acc, 4);
    expect(s.test.auc).toBeCloseTo(file.metrics.test.auc, 4);
    expect(s.bestValAuc).toBeCloseTo(file.bestValAuc, 4);
    // Size, time and curve come with the status (from config.json and metrics.json).
    const metrics = JSON.parse(fs.readFileSync(path.join(started.outDir, 'metrics.json'), 'utf8'));
    expect(s.params).toBe(metrics.config.params);
    expect(s.wallSeconds).toBeCloseTo(metrics.wallSeconds, 1);
    expect(s.history).toHaveLength(1);
    expect(s.history[0].valAuc).toBeCloseTo(metrics.history[0].val.auc, 4);
    // One CSV row per evaluated test image, in the workspace.
    const rows = fs.readFileSync(path.join(ws.dir, 'preds.csv'), 'utf8').trim().split('\n');
    expect(rows.length).toBe(1 + 24);
  });

  it('cancel_search stops a running search and is idempotent', async () => {
    await cancelStopsARunningSearch(conn.client);
  });

  it('a search cancelled before its process could start it stays cancelled', async () => {
    const started = await callOk(conn.client, 'start_search', { ...TINY, seed: 11 });
    const first = await callOk(conn.client, 'cancel_search', { searchId: started.searchId });
    expect(first.status).toBe('cancelled');
    // Its process (still booting) is stopped rather than left to run a cancelled search.
    for (const deadline = Date.now() + 60_000; isAlive(started.pid); await sleep(100)) {
      if (Date.now() > deadline) throw new Error(`process ${started.pid} still alive`);
    }
    const end = await callOk(conn.client, 'get_search_status', { searchId: started.searchId });
    expect(end.status).toBe('cancelled');
    expect(end.evaluated).toBeLessThan(end.total);
  });

  it('refuses bad arguments with one clear line and keeps serving', async () => {
    await badArgumentsAreOneLineErrors(conn.client);
  });

  it('writes nothing but protocol messages on stdout', () => {
    // Every server line reached the client as JSON-RPC (it would have failed to parse otherwise);
    // diagnostics went to stderr.
    expect(conn.stderr()).toMatch(/mstf mcp: serving on stdio/);
  });
});
