/** Shared by the executor end-to-end tests: one tiny search config, workspaces, outcomes, CLI processes. */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { RunStore } from '../../core/store/run-store.js';
import { cliBin, runCli, tempDir } from '../helpers/cli.js';

/** cpu preset, 4 generations, tiny population and C0: 4 + 2 x 3 = 10 candidates with jacob_cov + synflow. */
export const FLAGS = [
  '--preset',
  'cpu',
  '--population',
  '4',
  '--offspring',
  '2',
  '--generations',
  '4',
  '--channels',
  '8',
  '--batch-size',
  '8',
  '--seed',
  '7',
];
export const ENV = { MSTF_BACKEND: 'wasm' };

const dirs: string[] = [];
export function workspace(): string {
  const d = tempDir('mstf-exec-');
  dirs.push(d);
  return d;
}
export function removeWorkspaces(): void {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}

export function lastJson(stdout: string): Record<string, any> {
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]!);
}

/** What must not depend on the executor: the pick, the final front, and every candidate's raw scores. */
export async function outcome(dir: string, id: string) {
  const r = await runCli(['runs', 'show', id, '--json'], { cwd: dir, env: ENV });
  if (r.code !== 0) throw new Error(r.stderr);
  const shown = JSON.parse(r.stdout);
  const store = RunStore.open(path.join(dir, '.mstf', 'mstf.db'));
  try {
    const candidates = store
      .candidates(id)
      .map((c) => ({
        generation: c.generation,
        idx: c.idx,
        genotype: c.genotype,
        hash: c.hash,
        state: c.state,
        scores: c.scores,
      }))
      .sort((a, b) => a.generation - b.generation || a.idx - b.idx);
    return { status: shown.status as string, selected: shown.selected, pareto: shown.pareto, candidates };
  } finally {
    store.close();
  }
}

/** A long-running `mstf` process with its stderr lines collected and stdout JSON events readable. */
export interface MstfProcess {
  child: ChildProcess;
  stderr: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves with the first stderr line matching. */
  waitForLine(re: RegExp, timeoutMs?: number): Promise<string>;
  events(): AsyncIterable<Record<string, any>>;
}

export function startMstf(args: string[], cwd: string): MstfProcess {
  const child = spawn(process.execPath, [cliBin, ...args], {
    cwd,
    env: { ...process.env, ...ENV },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stderr: string[] = [];
  const waiters: { re: RegExp; resolve: (l: string) => void }[] = [];
  readline.createInterface({ input: child.stderr! }).on('line', (line) => {
    stderr.push(line);
    for (const w of [...waiters]) {
      if (w.re.test(line)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    stderr,
    exited,
    waitForLine(re, timeoutMs = 60_000) {
      const seen = stderr.find((l) => re.test(l));
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const t = setTimeout(
          () => reject(new Error(`no line ${re} within ${timeoutMs} ms; stderr:\n${stderr.join('\n')}`)),
          timeoutMs,
        );
        waiters.push({
          re,
          resolve: (l) => {
            clearTimeout(t);
            resolve(l);
          },
        });
      });
    },
    async *events() {
      for await (const line of readline.createInterface({ input: child.stdout! })) yield JSON.parse(line);
    },
  };
}

/** `mstf worker` with a short job lock (a killed worker's job is handed over within about a second). */
export async function startWorker(redisUrl: string, cwd: string, extra: string[] = []): Promise<MstfProcess> {
  const w = startMstf(['worker', '--redis', redisUrl, '--concurrency', '1', '--lock-duration', '1000', ...extra], cwd);
  await w.waitForLine(/waiting for jobs/);
  return w;
}

export async function stop(p: MstfProcess): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  p.child.kill('SIGTERM');
  await p.exited;
}
