import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { threadId } from 'node:worker_threads';

/** Whether a process with this pid runs (EPERM: it does, as another user). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Temporary files are named `<target><marker><pid>...`, so one left by a killed process (SIGKILL, power loss,
 * ENOSPC before the rename) is recognised by the next run: removed when its process no longer runs, kept while it
 * does (another download or training may be writing it). Returns the removed paths.
 */
export function removeStaleTemps(target: string, marker: string): string[] {
  const dir = path.dirname(target);
  const prefix = path.basename(target) + marker;
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(/^(\d+)/.exec(name.slice(prefix.length))?.[1]);
    if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid || processAlive(pid)) continue;
    try {
      fs.unlinkSync(path.join(dir, name));
      removed.push(path.join(dir, name));
    } catch {
      // gone already, or not ours to remove
    }
  }
  return removed;
}

/**
 * Write through a temporary file and a rename, so a reader never sees half a file. The temporary name is
 * `<file>.<pid>-<thread>-<random>.tmp`: unique across the threads of one process (pool threads may write the
 * same cache entry at once) and, by its pid, recognised by `removeStaleTemps(file, '.')` after a kill. A failed
 * write (ENOSPC) removes its temporary file at once.
 */
export function writeFileAtomic(file: string, data: Uint8Array | string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}-${threadId}-${crypto.randomBytes(4).toString('hex')}.tmp`;
  try {
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}
