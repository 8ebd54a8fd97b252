import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../core/data/locations.js';

export interface DetachedProcess {
  pid: number;
  logFile: string;
  /** Exit code once the process ended while this server was still running (null: still running or unknown). */
  exitCode(): number | null;
  /**
   * SIGTERM, at most once per process (also counting one someone else sent, see noteTerminated): mstf's
   * long-running commands stop cleanly on the first signal and exit at once on a second.
   */
  terminate(): void;
  noteTerminated(): void;
}

/**
 * Start `node <package root>/bin/run.js <args...>` as its own process group, with stdout and stderr appended
 * to `logFile` and no link back to this process: it outlives the MCP connection and the server itself.
 * Searches and trainings run this way, so an MCP request never runs one.
 */
export function spawnMstf(args: string[], opts: { cwd: string; logFile: string }): DetachedProcess {
  fs.mkdirSync(path.dirname(opts.logFile), { recursive: true });
  const fd = fs.openSync(opts.logFile, 'a');
  let code: number | null = null;
  try {
    const child = spawn(process.execPath, [path.join(packageRoot(), 'bin', 'run.js'), ...args], {
      cwd: opts.cwd,
      detached: true,
      stdio: ['ignore', fd, fd],
      env: process.env,
    });
    child.on('error', (e) => {
      fs.appendFileSync(opts.logFile, `mstf mcp: could not start the process: ${e.message}\n`);
      code = 127;
    });
    child.on('exit', (c, signal) => {
      code = c ?? (signal ? 128 : 1);
    });
    child.unref();
    if (child.pid === undefined) throw new Error(`could not start ${process.execPath}`);
    let terminated = false;
    const pid = child.pid;
    return {
      pid,
      logFile: opts.logFile,
      exitCode: () => code,
      noteTerminated: () => {
        terminated = true;
      },
      terminate: () => {
        if (terminated || code !== null) return;
        terminated = true;
        try {
          process.kill(pid, 'SIGTERM');
        } catch {
          // already gone
        }
      },
    };
  } finally {
    fs.closeSync(fd);
  }
}

/** The last non-empty line of a log file ('' when there is none); used to explain a process that died early. */
export function lastLogLine(file: string): string {
  try {
    // Only the end of the file: logs of long searches grow.
    const size = fs.statSync(file).size;
    const fd = fs.openSync(file, 'r');
    const buf = Buffer.alloc(Math.min(size, 8192));
    fs.readSync(fd, buf, 0, buf.length, size - buf.length);
    fs.closeSync(fd);
    const text = buf.toString('utf8');
    const lines = text
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
    return lines[lines.length - 1] ?? '';
  } catch {
    return '';
  }
}
