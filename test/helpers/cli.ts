import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root (tests run from sources; the CLI runs from dist/, built by `npm test`'s pretest). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const cliBin = path.join(repoRoot, 'bin', 'run.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run the built `mstf` CLI as a user would. Never throws on a non-zero exit. */
export function runCli(
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<CliResult> {
  if (!fs.existsSync(path.join(repoRoot, 'dist', 'cli', 'base.js'))) {
    throw new Error('dist/ is missing: run `npx tsc -p .` (npm test builds first)');
  }
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [cliBin, ...args],
      {
        cwd: opts.cwd ?? repoRoot,
        env: { ...process.env, ...opts.env },
        timeout: opts.timeoutMs ?? 120_000,
        maxBuffer: 64 * 1024 * 1024,
      },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      },
    );
  });
}

/** A fresh temporary working directory (removed by the caller's cleanup, or left in os.tmpdir()). */
export function tempDir(prefix = 'mstf-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}
