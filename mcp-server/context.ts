import path from 'node:path';
import type { Kernel } from '../core/kernel/index.js';
import type { Settings } from '../core/kernel/settings.js';
import { PathGuard } from './paths.js';
import type { DetachedProcess } from './detached.js';
import { Admission, defaultLimits, type McpLimits } from './limits.js';

export type LogLevel = 'debug' | 'info' | 'notice' | 'warning' | 'error';

/**
 * What every tool and resource of one server process shares: the booted kernel, where things live, the
 * path guard, and the processes this server started (so a search whose process died before it could
 * record anything is explained instead of staying "queued" forever). One context serves every session.
 */
export interface McpContext {
  kernel: Kernel;
  settings: Settings;
  guard: PathGuard;
  /**
   * Global flags the spawned `mstf` processes get so they boot like this server: the same plugins,
   * extension options (--option), backend and data directory. The run store is passed per command.
   */
  childFlags: string[];
  /** Processes started by start_search / start_training, by search or training id. */
  processes: Map<string, DetachedProcess>;
  /**
   * Diagnostics go to stderr (in stdio mode stdout carries only protocol messages) and, as MCP logging
   * notifications, to every connected client that did not raise its level above `level`.
   */
  log(line: string, level?: LogLevel): void;
  /** Connected servers' logging senders (one per session), added by createMcpServer. */
  logSinks: Set<(line: string, level: LogLevel) => void>;
  /** `<workspace>/.mstf`: logs and trainings. */
  stateDir: string;
  /** What clients may start (checked by start_search / start_training) and send. */
  admission: Admission;
}

export function createContext(opts: {
  kernel: Kernel;
  extraPlugins?: string[];
  log?: (line: string) => void;
  limits?: McpLimits;
}): McpContext {
  const { kernel } = opts;
  const settings = kernel.settings;
  const childFlags = ['--data-dir', settings.dataDir];
  // Spawned processes run in the same working directory, so relative plugin paths resolve the same way.
  for (const p of opts.extraPlugins ?? []) childFlags.push('--plugin', p);
  // ... and the same extension options (mstf.config.json is read again there; --option values travel as flags).
  for (const o of kernel.boot.options) childFlags.push('--option', o);
  if (settings.backend) childFlags.push('--backend', settings.backend);
  if (settings.engine) childFlags.push('--engine', settings.engine);
  if (settings.strictData) childFlags.push('--strict-data');
  const processes = new Map<string, DetachedProcess>();
  const logSinks = new Set<(line: string, level: LogLevel) => void>();
  const toStderr = opts.log ?? ((line: string) => process.stderr.write(`mstf mcp: ${line}\n`));
  return {
    kernel,
    settings,
    guard: new PathGuard(settings.cwd, settings.dataDir),
    childFlags,
    processes,
    logSinks,
    log: (line, level = 'info') => {
      toStderr(line);
      for (const sink of logSinks) sink(line, level);
    },
    stateDir: path.join(settings.cwd, '.mstf'),
    admission: new Admission(opts.limits ?? defaultLimits(), () => processes.values()),
  };
}
