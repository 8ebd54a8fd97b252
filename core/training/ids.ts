/**
 * Training ids: readable, sortable, random-free: UTC time to the second plus the process id, e.g.
 * `t20261127-223015-4242`; a counter suffix (`-2`, `-3`...) when the directory already exists.
 */
import fs from 'node:fs';
import path from 'node:path';

export function trainingIdBase(now: Date, pid: number): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const date = `${now.getUTCFullYear()}${p(now.getUTCMonth() + 1)}${p(now.getUTCDate())}`;
  const time = `${p(now.getUTCHours())}${p(now.getUTCMinutes())}${p(now.getUTCSeconds())}`;
  return `t${date}-${time}-${pid}`;
}

/** A fresh id whose directory under `root` does not exist yet. */
export function newTrainingId(root: string, now = new Date(), pid = process.pid): string {
  const base = trainingIdBase(now, pid);
  let id = base;
  for (let k = 2; fs.existsSync(path.join(root, id)); k++) id = `${base}-${k}`;
  return id;
}

/** Default place of trainings: `.mstf/trainings/<id>` in the working directory. */
export function defaultTrainingsRoot(cwd: string): string {
  return path.join(cwd, '.mstf', 'trainings');
}
