import os from 'node:os';
import path from 'node:path';

/** Where things live. Resolved once per process from flags, environment and defaults. */
export interface Settings {
  cwd: string;
  /** --data-dir / MSTF_DATA_DIR / per-user cache. */
  dataDir: string;
  /** --store / MSTF_STORE / <cwd>/.mstf/mstf.db. */
  storePath: string;
  /** --backend / MSTF_BACKEND / auto. */
  backend?: string;
  /** --engine / MSTF_ENGINE / tfjs: the `engine` extension that builds and runs networks. */
  engine?: string;
  /** --strict-data: refuse dataset files whose checksum differs from the official one (default: warn). */
  strictData?: boolean;
  /** The command only reads the run store: open it read-only (stores on read-only media, other users' stores). */
  readOnlyStore?: boolean;
}

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.MSTF_DATA_DIR) return path.resolve(env.MSTF_DATA_DIR);
  const base = env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'mstf', 'data');
}

export function resolveSettings(
  flags: {
    cwd?: string;
    dataDir?: string;
    store?: string;
    backend?: string;
    engine?: string;
    strictData?: boolean;
    readOnlyStore?: boolean;
  } = {},
  env: NodeJS.ProcessEnv = process.env,
): Settings {
  const cwd = path.resolve(flags.cwd ?? process.cwd());
  return {
    cwd,
    dataDir: flags.dataDir ? path.resolve(cwd, flags.dataDir) : defaultDataDir(env),
    storePath: flags.store
      ? path.resolve(cwd, flags.store)
      : env.MSTF_STORE
        ? path.resolve(cwd, env.MSTF_STORE)
        : path.join(cwd, '.mstf', 'mstf.db'),
    backend: flags.backend ?? env.MSTF_BACKEND ?? undefined,
    ...((flags.engine ?? env.MSTF_ENGINE) ? { engine: flags.engine ?? env.MSTF_ENGINE } : {}),
    ...(flags.strictData ? { strictData: true } : {}),
    ...(flags.readOnlyStore ? { readOnlyStore: true } : {}),
  };
}
