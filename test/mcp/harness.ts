/**
 * End-to-end harness: the SDK's own Client talking to the BUILT server (`node bin/run.js mcp`, dist/ from
 * `npx tsc -p .`) in a fresh temporary workspace, over stdio or Streamable HTTP.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport, getDefaultEnvironment } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const RUN_JS = path.join(ROOT, 'bin', 'run.js');
const run = promisify(execFile);

export function assertBuilt(): void {
  const built = path.join(ROOT, 'dist', 'cli', 'commands', 'mcp.js');
  if (!fs.existsSync(built)) throw new Error(`${built} is missing: build first (npx tsc -p .)`);
}

export interface Workspace {
  dir: string;
  dataDir: string;
  store: string;
  /** Global flags every mstf process of the test gets. */
  flags: string[];
  env: Record<string, string>;
  cleanup(): void;
}

/**
 * A temporary workspace with an empty data directory: BreastMNIST 28x28 comes from the copy shipped with mstf,
 * so the tests need no download and no machine-specific path.
 */
export function makeWorkspace(): Workspace {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'mstf-mcp-')));
  const dataDir = path.join(dir, 'data');
  fs.mkdirSync(dataDir);
  const store = path.join(dir, '.mstf', 'mstf.db');
  const env: Record<string, string> = { ...getDefaultEnvironment(), MSTF_BACKEND: process.env.MSTF_BACKEND ?? 'wasm' };
  for (const k of ['NODE_OPTIONS', 'TMPDIR']) if (process.env[k]) env[k] = process.env[k]!;
  return {
    dir,
    dataDir,
    store,
    flags: ['--data-dir', dataDir, '--store', store],
    env,
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** `node bin/run.js <args>` in the workspace; stdout parsed as JSON. */
export async function cliJson(ws: Workspace, args: string[]): Promise<any> {
  const { stdout } = await run(process.execPath, [RUN_JS, ...args, ...ws.flags], { cwd: ws.dir, env: ws.env });
  return JSON.parse(stdout);
}

export interface Connected {
  client: Client;
  /** Server stderr so far (diagnostics, never protocol). */
  stderr(): string;
  close(): Promise<void>;
}

export async function connectStdio(ws: Workspace): Promise<Connected> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [RUN_JS, 'mcp', ...ws.flags],
    cwd: ws.dir,
    env: ws.env,
    stderr: 'pipe',
  });
  let err = '';
  transport.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const client = new Client({ name: 'mstf-test', version: '0.0.0' });
  await client.connect(transport);
  return { client, stderr: () => err, close: () => client.close() };
}

/** `mstf mcp --http 0`; the port comes from the "listening on <url>" line on stderr. */
export async function connectHttp(ws: Workspace): Promise<Connected & { url: string; server: ChildProcess }> {
  const server = spawn(process.execPath, [RUN_JS, 'mcp', '--http', '0', ...ws.flags], {
    cwd: ws.dir,
    env: ws.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  let out = '';
  server.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${err}`)), 60_000);
    server.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+\/mcp)/.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    server.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}: ${err}${out}`));
    });
  });
  const transport = new StreamableHTTPClientTransport(new URL(url));
  const client = new Client({ name: 'mstf-test', version: '0.0.0' });
  await client.connect(transport);
  return {
    client,
    url,
    server,
    stderr: () => err,
    close: async () => {
      await transport.terminateSession().catch(() => undefined);
      await client.close();
      const exited = new Promise((r) => server.once('exit', r));
      server.kill('SIGTERM');
      await exited;
    },
  };
}

/** Pids of every process start_search / start_training reported, killed by stopStarted() after the tests. */
const started = new Set<number>();

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Kill whatever the tests started that still runs: detached searches would otherwise outlive the test run. */
export async function stopStarted(): Promise<void> {
  for (const pid of started) {
    if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  }
  started.clear();
}

export async function call(client: Client, name: string, args: Record<string, unknown> = {}): Promise<CallToolResult> {
  return (await client.callTool({ name, arguments: args })) as CallToolResult;
}

/** A successful call's structuredContent (fails the test with the error line otherwise). */
export async function callOk(client: Client, name: string, args: Record<string, unknown> = {}): Promise<any> {
  const r = await call(client, name, args);
  if (r.isError) throw new Error(`${name} failed: ${textOf(r)}`);
  const pid = (r.structuredContent as { pid?: unknown } | undefined)?.pid;
  if ((name === 'start_search' || name === 'start_training') && typeof pid === 'number') started.add(pid);
  return r.structuredContent;
}

export function textOf(r: CallToolResult): string {
  return r.content.map((c) => (c.type === 'text' ? c.text : '')).join('');
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Poll get_search_status until `until(status)` holds; a failed search fails the test with its error. */
export async function pollStatus(
  client: Client,
  searchId: string,
  until: (s: any) => boolean,
  timeoutMs = 100_000,
): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await callOk(client, 'get_search_status', { searchId });
    if (until(s)) return s;
    if (s.status === 'failed' || s.error) throw new Error(`search ${searchId} failed: ${s.error}`);
    if (Date.now() > deadline) throw new Error(`search ${searchId} still ${s.status} (${JSON.stringify(s)})`);
    await sleep(250);
  }
}
