/**
 * What a client can start and send (mcp-server/limits.ts, transports/*): probes of a hostile or careless client
 * kept as tests. Admission runs through the real tools on an in-process server; message size and sessions through
 * the built `mstf mcp` process, since they are transport behaviour.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { bootKernel, resolveSettings } from '../../core/kernel/index.js';
import { builtinPlugins } from '../../plugins/index.js';
import { createContext, type McpContext } from '../../mcp-server/context.js';
import { createMcpServer } from '../../mcp-server/server.js';
import { defaultLimits, resolveLimits } from '../../mcp-server/limits.js';
import { idOf } from '../../mcp-server/transports/stdio.js';
import { assertBuilt, makeWorkspace, RUN_JS, type Workspace } from './harness.js';

const text = (r: CallToolResult) => (r.content[0] as { text: string }).text;

describe('admission control on start_search / start_training', () => {
  let ws: Workspace;
  let ctx: McpContext;
  let client: Client;

  beforeAll(async () => {
    ws = makeWorkspace();
    const settings = resolveSettings({ cwd: ws.dir, dataDir: ws.dataDir, store: ws.store });
    const kernel = await bootKernel({ settings, builtins: builtinPlugins, config: {} });
    ctx = createContext({ kernel, log: () => undefined, limits: { ...defaultLimits(), maxJobs: 10 } });
    const [a, b] = InMemoryTransport.createLinkedPair();
    await createMcpServer(ctx, { version: '0.0.0', pollMs: 60_000 }).connect(a);
    client = new Client({ name: 'limits-test', version: '0.0.0' });
    await client.connect(b);
  });
  afterAll(async () => {
    await client?.close();
    ws?.cleanup();
  });

  const call = async (name: string, args: Record<string, unknown>) =>
    (await client.callTool({ name, arguments: args })) as CallToolResult;
  const expectRefused = (r: CallToolResult, pattern: RegExp) => {
    expect(r.isError, text(r)).toBe(true);
    expect(text(r).split('\n')).toHaveLength(1);
    expect(text(r)).toMatch(pattern);
  };

  it('refuses the eleventh concurrent job with one line saying how many run, and stores nothing', async () => {
    // Ten live jobs this server started (the admission counts processes whose exit it has not seen).
    for (let k = 0; k < 10; k++)
      ctx.processes.set(`job-${k}`, { pid: 0, logFile: '', exitCode: () => null, terminate() {}, noteTerminated() {} });
    try {
      expectRefused(
        await call('start_search', { preset: 'cpu' }),
        /^start_search: 10 searches and trainings started by this server are running, the limit is 10/,
      );
      expectRefused(
        await call('start_training', { model: 'resnet18', dataset: 'breastmnist', epochs: 1 }),
        /^start_training: 10 searches and trainings .* the limit is 10/,
      );
      const listed = (await call('list_searches', {})).structuredContent as { searches: unknown[] };
      expect(listed.searches).toEqual([]);
    } finally {
      for (let k = 0; k < 10; k++) ctx.processes.delete(`job-${k}`);
    }
  });

  it('one finished job frees its slot', () => {
    for (let k = 0; k < 10; k++)
      ctx.processes.set(`job-${k}`, {
        pid: 0,
        logFile: '',
        exitCode: () => (k === 3 ? 0 : null),
        terminate() {},
        noteTerminated() {},
      });
    try {
      expect(ctx.admission.running()).toBe(9);
      expect(() => ctx.admission.check('start_search', { candidates: 10 })).not.toThrow();
    } finally {
      for (let k = 0; k < 10; k++) ctx.processes.delete(`job-${k}`);
    }
  });

  it('refuses over-budget searches and trainings: candidates, C0, batch, epochs', async () => {
    // 10000 + 10000 x 9999 candidates: what the probe got accepted.
    expectRefused(
      await call('start_search', { population: 10000, offspring: 10000, generations: 10000 }),
      /^start_search: 100000000 candidates is over the limit of 5000 per search/,
    );
    expectRefused(
      await call('start_search', { channels: 4096 }),
      /^start_search: channels 4096 is over the limit of 256/,
    );
    expectRefused(
      await call('start_search', { batchSize: 4096 }),
      /^start_search: batch size 4096 is over the limit of 512/,
    );
    expectRefused(
      await call('start_training', { model: 'resnet18', dataset: 'breastmnist', epochs: 10000 }),
      /^start_training: 10000 epochs is over the limit of 300/,
    );
    expectRefused(
      await call('start_training', { model: 'resnet18', dataset: 'breastmnist', batchSize: 4096 }),
      /batch size 4096 is over the limit of 512/,
    );
  });

  it('refuses a job whose estimated memory is over the limit, naming the estimate', async () => {
    const saved = ctx.admission.limits.maxMemoryMiB;
    (ctx.admission.limits as { maxMemoryMiB: number }).maxMemoryMiB = 64;
    try {
      // ResNet-18 at 28x28, batch 512: its activations alone are far over 64 MiB (and under 4 GiB for batch 1).
      expectRefused(
        await call('start_training', { model: 'resnet18', dataset: 'breastmnist', batchSize: 512 }),
        /^start_training: the network needs about \d+ MiB for a batch of 512, over the limit of 64 MiB/,
      );
      expectRefused(
        await call('start_search', { channels: 128, batchSize: 256 }),
        /^start_search: the network needs about \d+ MiB for a batch of 256/,
      );
    } finally {
      (ctx.admission.limits as { maxMemoryMiB: number }).maxMemoryMiB = saved;
    }
  });

  it('limits come from defaults, then mstf.config.json "mcp", then flags; unknown keys are an error', () => {
    expect(resolveLimits({ maxJobs: 2, maxEpochs: 50 }, { maxJobs: 3 })).toMatchObject({
      maxJobs: 3,
      maxEpochs: 50,
      maxCandidates: 5000,
    });
    expect(() => resolveLimits({ maxJob: 2 })).toThrow(/mcp: Unrecognized key: "maxJob"/);
  });
});

describe('idOf: the id of a message known by its first and last bytes', () => {
  it('finds it at the start (most clients) or at the end (the SDK client)', () => {
    expect(idOf('{"jsonrpc":"2.0","id":7,"method":"x","params":{"a":"xxx', '')).toBe(7);
    expect(
      idOf('{"method":"tools/call","params":{"name":"x","arguments":{"g":"', 'xxxx"}},"jsonrpc":"2.0","id":"r-9"}'),
    ).toBe('r-9');
    expect(idOf('{"method":"x","params":{"id":5,"g":"', 'xxxx"}}}')).toBeNull(); // an "id" inside params is not the request's
  });
});

/** A raw line-based JSON-RPC client over the server's stdin/stdout: the SDK client cannot send invalid JSON. */
class RawStdio {
  private buf = '';
  private waiting: ((msg: any) => void)[] = [];
  private queue: any[] = [];
  constructor(readonly proc: ChildProcess) {
    proc.stdout!.on('data', (d: Buffer) => {
      this.buf += d.toString();
      for (let nl = this.buf.indexOf('\n'); nl >= 0; nl = this.buf.indexOf('\n')) {
        const line = this.buf.slice(0, nl);
        this.buf = this.buf.slice(nl + 1);
        const msg = JSON.parse(line);
        const w = this.waiting.shift();
        if (w) w(msg);
        else this.queue.push(msg);
      }
    });
  }
  send(line: string): void {
    this.proc.stdin!.write(`${line}\n`);
  }
  next(timeoutMs = 30_000): Promise<any> {
    const q = this.queue.shift();
    if (q) return Promise.resolve(q);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('no answer from the server')), timeoutMs);
      this.waiting.push((m) => {
        clearTimeout(t);
        resolve(m);
      });
    });
  }
}

describe('mstf mcp over stdio: bad messages get JSON-RPC errors and the server keeps serving', () => {
  let ws: Workspace;
  let proc: ChildProcess;
  let rpc: RawStdio;
  let stderr = '';

  beforeAll(async () => {
    assertBuilt();
    ws = makeWorkspace();
    proc = spawn(process.execPath, [RUN_JS, 'mcp', ...ws.flags], {
      cwd: ws.dir,
      env: ws.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    rpc = new RawStdio(proc);
    rpc.send(
      JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '0' } },
      }),
    );
    expect((await rpc.next(60_000)).result.serverInfo.name).toBe('mstf');
    rpc.send(JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }));
  }, 90_000);
  afterAll(() => {
    proc?.kill('SIGTERM');
    ws?.cleanup();
  });

  it('an 11 MB message gets a JSON-RPC error with its id, and the next call succeeds', async () => {
    const huge = 'x'.repeat(11 * 2 ** 20);
    // The SDK client writes "id" last: the server finds it in the tail of the dropped line.
    rpc.send(
      `{"method":"tools/call","params":{"name":"describe_architecture","arguments":{"genotype":"${huge}"}},"jsonrpc":"2.0","id":2}`,
    );
    const err = await rpc.next();
    expect(err).toMatchObject({ jsonrpc: '2.0', id: 2, error: { code: -32600 } });
    expect(err.error.message).toMatch(/^message of \d+ bytes is over the limit of 4194304 bytes/);
    rpc.send(JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'tools/list' }));
    const list = await rpc.next();
    expect(list.id).toBe(3);
    expect(list.result.tools.length).toBeGreaterThan(5);
    expect(proc.exitCode).toBeNull();
  }, 60_000);

  it('invalid JSON gets -32700, a non-JSON-RPC object -32600, and the server keeps serving', async () => {
    rpc.send('{"jsonrpc":"2.0","id":4,"method":');
    expect(await rpc.next()).toEqual({
      jsonrpc: '2.0',
      id: null,
      error: { code: -32700, message: 'Parse error: the message is not valid JSON' },
    });
    rpc.send('{"id":5,"hello":"world"}');
    expect(await rpc.next()).toMatchObject({ id: 5, error: { code: -32600 } });
    // tools/call without params: the SDK's zod issue list, pretty-printed over 10 lines, becomes one line.
    rpc.send(JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tools/call' }));
    expect(await rpc.next()).toEqual({
      jsonrpc: '2.0',
      id: 7,
      error: { code: -32602, message: 'Invalid params: params: Invalid input: expected object, received undefined' },
    });
    rpc.send(JSON.stringify({ jsonrpc: '2.0', id: 6, method: 'tools/list' }));
    expect((await rpc.next()).id).toBe(6);
  }, 30_000);
});

function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmRSS for ${pid}`);
  return Number(m[1]) / 1024;
}

describe('mstf mcp --http: session cap, idle timeout and message size', () => {
  let ws: Workspace;
  let proc: ChildProcess;
  let url = '';

  beforeAll(async () => {
    assertBuilt();
    ws = makeWorkspace();
    proc = spawn(
      process.execPath,
      [RUN_JS, 'mcp', '--http', '0', '--session-idle-timeout', '1', '--max-sessions', '16', ...ws.flags],
      {
        cwd: ws.dir,
        env: ws.env,
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let err = '';
    url = await new Promise<string>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`server did not start: ${err}`)), 60_000);
      proc.stderr!.on('data', (d: Buffer) => {
        err += d.toString();
        const m = /listening on (http:\/\/127\.0\.0\.1:\d+\/mcp)/.exec(err);
        if (m) {
          clearTimeout(t);
          resolve(m[1]!);
        }
      });
    });
  }, 90_000);
  afterAll(() => {
    proc?.kill('SIGTERM');
    ws?.cleanup();
  });

  const init = (id: number) =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id,
        method: 'initialize',
        params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'flood', version: '0' } },
      }),
    });

  it('3,000 initialisations: at most 16 sessions at once, refused ones get one line, idle ones close; the server stays under 250 MB', async () => {
    const statuses = new Map<number, number>();
    let refusal = '';
    for (let i = 0; i < 3000; i += 20) {
      await Promise.all(
        Array.from({ length: 20 }, async (_, k) => {
          const r = await init(i + k);
          statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
          const body = await r.text();
          if (r.status === 503) refusal = JSON.parse(body).error.message;
        }),
      );
    }
    expect([...statuses.keys()].sort()).toEqual([200, 503]);
    // More sessions than the cap were served: idle ones closed and freed their slots while the flood ran.
    expect(statuses.get(200)!).toBeGreaterThan(16);
    expect(refusal).toMatch(/^Too many sessions: 16 are open, the limit is 16; /);
    await new Promise((r) => setTimeout(r, 2500)); // past the idle timeout
    expect(rssMiB(proc.pid!)).toBeLessThan(250);
    // Every slot is free again: 16 new sessions in a row are accepted.
    for (let k = 0; k < 16; k++) expect((await init(10_000 + k)).status).toBe(200);
  }, 180_000);

  it('a body over the message limit gets a JSON-RPC error and the server keeps serving', async () => {
    const r = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: 'x'.repeat(5 * 2 ** 20),
    });
    expect(r.status).toBe(413);
    expect(((await r.json()) as { error: unknown }).error).toMatchObject({
      code: -32600,
      message: expect.stringMatching(/over the limit of 4194304 bytes/),
    });
    await new Promise((res) => setTimeout(res, 2500));
    expect((await init(20_000)).status).toBe(200);
  }, 30_000);
});
