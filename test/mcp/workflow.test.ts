/**
 * The standard workflow an assistant runs, through MCP only (SDK client, stdio): find a small architecture
 * for BreastMNIST, train its pick and ResNet-18 with the same protocol, compare them. The test counts the
 * characters of every tool answer (what an assistant pays for), prints them per call and bounds the total.
 * Also the protocol features around it: annotations, logging and list_changed notifications, -32002 /
 * -32602, prompts with completions, paging, resume.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  LoggingMessageNotificationSchema,
  ResourceListChangedNotificationSchema,
  type CallToolResult,
} from '@modelcontextprotocol/sdk/types.js';
import {
  assertBuilt,
  call,
  connectStdio,
  makeWorkspace,
  stopStarted,
  textOf,
  type Connected,
  type Workspace,
} from './harness.js';
import { TINY, waitFor } from './flow.js';

/** Whole-workflow budget of tool output, in characters (issue #14: under 25k). */
const WORKFLOW_BUDGET = 25_000;
/** A quick training: one epoch on 32 images, evaluated on 16 (the protocol is 100 epochs on all images). */
const QUICK = { epochs: 1, batchSize: 32, maxTrain: 32, maxEval: 16 };

describe('the standard workflow through MCP only', () => {
  let ws: Workspace;
  let conn: Connected;
  const spent: { call: string; chars: number }[] = [];
  const logs: string[] = [];
  let listChanged = 0;

  /** A tool call counted against the workflow budget. */
  async function step(name: string, args: Record<string, unknown> = {}): Promise<any> {
    const r = (await call(conn.client, name, args)) as CallToolResult;
    const text = textOf(r);
    spent.push({ call: `${name} ${JSON.stringify(args)}`, chars: text.length });
    if (r.isError) throw new Error(`${name} failed: ${text}`);
    return r.structuredContent;
  }

  beforeAll(async () => {
    assertBuilt();
    ws = makeWorkspace();
    conn = await connectStdio(ws);
    conn.client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => void logs.push(String(n.params.data)));
    conn.client.setNotificationHandler(ResourceListChangedNotificationSchema, () => void listChanged++);
  });

  afterAll(async () => {
    await conn?.close();
    await stopStarted();
    ws?.cleanup();
  });

  let searchId: string;

  it('search, pick, train the pick and ResNet-18, compare: params/FLOPs/ACC/AUC/time for both, under 25k characters', async () => {
    const ds = await step('list_datasets', { ids: ['breastmnist'] });
    expect(ds.datasets[0].present).toContain(28);

    const started = await step('start_search', { ...TINY, preset: 'cpu' });
    searchId = started.searchId;
    expect(started.totalEvaluations).toBe(TINY.population + TINY.offspring * (TINY.generations - 1));
    for (let s = started; s.status !== 'completed'; ) {
      s = await step('get_search_status', { searchId, waitSeconds: 30 });
      if (s.status === 'failed' || s.error) throw new Error(`search failed: ${s.error}`);
      expect(s.percent).toBeCloseTo((100 * s.evaluated) / s.total, 0);
    }
    const { selected } = await step('get_selected_architecture', { searchId });
    const front = await step('get_pareto_front', { searchId });
    expect(front.pareto.some((m: { hash: string }) => m.hash === selected.hash)).toBe(true);
    const pick = await step('describe_architecture', { searchId });
    const resnet = await step('describe_architecture', { model: 'resnet18', dataset: 'breastmnist' });
    // ResNet-18, MedMNIST form, 1 input channel, 2 classes: 11,168,706 parameters (11,689,512 for ImageNet's
    // 3 channels / 1000 classes, minus 1000*512+1000 - 2*512-2 in the head and 64*3*7*7 - 64*1*3*3 in the stem).
    expect(resnet.params).toBe(11_689_512 - (513 * 1000 - 513 * 2) - (64 * 3 * 49 - 64 * 9));
    expect(pick.params).toBe(selected.params);

    const a = await step('start_training', { searchId, ...QUICK });
    const b = await step('start_training', { model: 'resnet18', dataset: 'breastmnist', ...QUICK });
    for (const id of [a.trainingId, b.trainingId]) {
      for (let t: any = { state: 'starting' }; t.state !== 'completed'; ) {
        t = await step('get_training_status', { trainingId: id, waitSeconds: 30 });
        if (t.state === 'failed' || t.state === 'cancelled') throw new Error(`training ${id} ${t.state}: ${t.error}`);
      }
    }
    const table = await step('compare', { items: [{ trainingId: a.trainingId }, { trainingId: b.trainingId }] });

    const [mine, base] = table.rows;
    expect(mine).toMatchObject({
      kind: 'training',
      params: selected.params,
      flops: selected.flops,
      state: 'completed',
      epochs: 1,
    });
    expect(base).toMatchObject({
      kind: 'training',
      name: 'resnet18',
      params: resnet.params,
      flops: resnet.flops,
      state: 'completed',
    });
    for (const row of [mine, base]) {
      for (const k of ['testAcc', 'testAuc', 'wallSeconds', 'trainSeconds']) expect(typeof row[k], k).toBe('number');
      // The numbers are the ones the training wrote.
      const metrics = JSON.parse(
        fs.readFileSync(path.join(ws.dir, '.mstf', 'trainings', row.id, 'metrics.json'), 'utf8'),
      );
      expect(row.testAcc).toBeCloseTo(metrics.test.acc, 4);
      expect(row.testAuc).toBeCloseTo(metrics.test.auc, 4);
      expect(row.params).toBe(metrics.config.params);
    }
    expect(base.paramsRatio).toBeCloseTo(resnet.params / selected.params, 2);

    const total = spent.reduce((s, c) => s + c.chars, 0);
    console.log(
      `MCP workflow, characters of tool output:\n${spent.map((c) => `  ${String(c.chars).padStart(6)}  ${c.call}`).join('\n')}\n  ${String(total).padStart(6)}  total`,
    );
    expect(total).toBeLessThan(WORKFLOW_BUDGET);
    // Two trainings of ResNet-18 and the pick on a loaded 2-core machine: minutes, not the default 2.
  }, 360_000);

  it('logs what it starts as MCP logging notifications, and announces new searches and trainings with list_changed', async () => {
    await waitFor(
      () => logs.some((l) => l.includes(`search ${searchId} started`)),
      'a logging notification for the search',
    );
    expect(logs.some((l) => /training \S+ started/.test(l))).toBe(true);
    await waitFor(() => listChanged > 0, 'notifications/resources/list_changed');
  });

  it('answers an unknown tool with JSON-RPC -32602 and a missing resource with -32002', async () => {
    await expect(conn.client.callTool({ name: 'no_such_tool', arguments: {} })).rejects.toMatchObject({ code: -32602 });
    await expect(conn.client.readResource({ uri: 'mstf://searches/no-such-search' })).rejects.toMatchObject({
      code: -32002,
    });
    await expect(conn.client.readResource({ uri: 'mstf://nothing-here' })).rejects.toMatchObject({ code: -32002 });
    await expect(conn.client.readResource({ uri: 'mstf://trainings/no-such-training' })).rejects.toMatchObject({
      code: -32002,
    });
  });

  it('offers the standard workflows as prompts, with completions for dataset, search and indicator ids', async () => {
    const { prompts } = await conn.client.listPrompts();
    expect(prompts.map((p) => p.name).sort()).toEqual([
      'compare_with_baseline',
      'find_small_architecture',
      'reproduce_paper_row',
    ]);
    const got = await conn.client.getPrompt({ name: 'compare_with_baseline', arguments: { searchId } });
    const text = (got.messages[0]!.content as { text: string }).text;
    expect(text).toContain(`start_training {"searchId": "${searchId}"`);
    expect(text).toContain('compare');

    const complete = async (prompt: string, name: string, value: string) =>
      (await conn.client.complete({ ref: { type: 'ref/prompt', name: prompt }, argument: { name, value } })).completion
        .values;
    expect(await complete('find_small_architecture', 'dataset', 'br')).toEqual(['breastmnist']);
    expect(await complete('compare_with_baseline', 'searchId', searchId.slice(0, 6))).toContain(searchId);
    expect(await complete('compare_with_baseline', 'baseline', 'resnet')).toEqual(['resnet18', 'resnet50']);
    // A list: the items typed so far stay, the last one is completed.
    expect(await complete('reproduce_paper_row', 'indicators', 'jacob_cov,syn')).toEqual(['jacob_cov,synflow']);
  });

  it('pages list_trainings, list_searches and resources/list with limit and cursor', async () => {
    // 60 finished trainings on disk (status.json only) make the lists longer than a page.
    const root = path.join(ws.dir, '.mstf', 'trainings');
    for (let i = 0; i < 60; i++) {
      const dir = path.join(root, `t-fake-${String(i).padStart(2, '0')}`);
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(
        path.join(dir, 'status.json'),
        JSON.stringify({
          id: `t-fake-${i}`,
          state: 'completed',
          epoch: 1,
          epochs: 1,
          bestValAuc: 0.5,
          bestEpoch: 0,
          etaSeconds: 0,
          pid: 1,
          outDir: dir,
        }),
      );
    }
    const seen = new Set<string>();
    let cursor: string | undefined;
    let pages = 0;
    do {
      const p = (await call(conn.client, 'list_trainings', { limit: 25, ...(cursor ? { cursor } : {}) }))
        .structuredContent as any;
      expect(p.total).toBe(62);
      for (const t of p.trainings) seen.add(t.trainingId);
      cursor = p.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen.size).toBe(62);

    const resources: string[] = [];
    let rc: string | undefined;
    do {
      const r = await conn.client.listResources(rc ? { cursor: rc } : {});
      expect(r.resources.length).toBeLessThanOrEqual(50);
      resources.push(...r.resources.map((x) => x.uri));
      rc = r.nextCursor;
    } while (rc);
    // 2 lists, 2 URIs per search, 1 per training.
    expect(resources.length).toBe(2 + 2 * 1 + 62);
    expect(new Set(resources).size).toBe(resources.length);

    const bad = await call(conn.client, 'list_searches', { cursor: 'not-a-cursor' });
    expect(bad.isError).toBe(true);
    expect(textOf(bad)).toMatch(/cursor/);
  });

  it('cancel_training stops a running training: it checkpoints and ends cancelled; a second cancel changes nothing', async () => {
    // 16 steps of ResNet-18: long enough to be caught running.
    const t = (
      await call(conn.client, 'start_training', {
        model: 'resnet18',
        dataset: 'breastmnist',
        epochs: 1,
        batchSize: 16,
        maxTrain: 256,
        maxEval: 16,
      })
    ).structuredContent as any;
    let s: any;
    for (const deadline = Date.now() + 120_000; ; ) {
      s = (await call(conn.client, 'get_training_status', { trainingId: t.trainingId, waitSeconds: 5 }))
        .structuredContent;
      if (s.state !== 'starting' || Date.now() > deadline) break;
    }
    expect(s.state).toBe('running');
    const first = (await call(conn.client, 'cancel_training', { trainingId: t.trainingId })).structuredContent as any;
    expect(['running', 'cancelled']).toContain(first.state);
    for (const deadline = Date.now() + 120_000; s.state !== 'cancelled' && Date.now() < deadline; ) {
      s = (await call(conn.client, 'get_training_status', { trainingId: t.trainingId, waitSeconds: 10 }))
        .structuredContent;
    }
    expect(s.state).toBe('cancelled');
    expect(s.epoch).toBe(0);
    // The checkpoint is kept for `mstf train --resume`.
    expect(fs.existsSync(path.join(ws.dir, '.mstf', 'trainings', t.trainingId, 'checkpoint', 'state.json'))).toBe(true);
    const again = (await call(conn.client, 'cancel_training', { trainingId: t.trainingId })).structuredContent as any;
    expect(again.state).toBe('cancelled');
  }, 300_000);

  it('a search cancelled before it ran resumes with resume_search and ends with the same pick as an uninterrupted run', async () => {
    const started = (await call(conn.client, 'start_search', { ...TINY })).structuredContent as any;
    const cancelled = (await call(conn.client, 'cancel_search', { searchId: started.searchId }))
      .structuredContent as any;
    expect(cancelled.status).toBe('cancelled');
    const resumed = await call(conn.client, 'resume_search', { searchId: started.searchId });
    expect(resumed.isError, textOf(resumed)).toBeFalsy();
    // Long-polls with a progressToken: a progress notification per stored candidate while they wait.
    const progress: { progress: number; total?: number }[] = [];
    let s: any = { status: 'queued' };
    for (
      const deadline = Date.now() + 120_000;
      s.status !== 'completed' && s.status !== 'failed' && Date.now() < deadline;
    ) {
      const r = await conn.client.callTool(
        { name: 'get_search_status', arguments: { searchId: started.searchId, waitSeconds: 30 } },
        undefined,
        {
          onprogress: (p) => progress.push(p),
        },
      );
      s = r.structuredContent;
    }
    expect(progress.length, 'progress notifications during the long-polls').toBeGreaterThan(0);
    expect(progress.every((p) => p.total === s.total && p.progress <= s.total)).toBe(true);
    expect(progress.map((p) => p.progress)).toEqual([...progress.map((p) => p.progress)].sort((a, b) => a - b));
    expect(s.status).toBe('completed');
    // Same configuration and seed as the first search: the same pick.
    const first = (await call(conn.client, 'get_selected_architecture', { searchId })).structuredContent as any;
    const again = (await call(conn.client, 'get_selected_architecture', { searchId: started.searchId }))
      .structuredContent as any;
    expect(again.selected.hash).toBe(first.selected.hash);
    expect(again.selected.scores).toEqual(first.selected.scores);
    // A completed search cannot be resumed.
    const refused = await call(conn.client, 'resume_search', { searchId: started.searchId });
    expect(refused.isError).toBe(true);
    expect(textOf(refused)).toMatch(/already completed/);
  });
});
