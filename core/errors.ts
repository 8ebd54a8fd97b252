/**
 * Errors a user can act on. The CLI and the MCP server print `message` as one line (stack only with
 * --verbose); `code` lets callers branch without parsing text.
 */
export type MstfErrorCode =
  | 'PLUGIN_LOAD'
  | 'PLUGIN_API_VERSION'
  | 'PLUGIN_DUPLICATE'
  | 'PLUGIN_OPTIONS'
  | 'UNKNOWN_EXTENSION'
  | 'REGISTRY_FROZEN'
  | 'INVALID_GENOTYPE'
  | 'INVALID_IR'
  | 'INVALID_ARGUMENT'
  | 'BACKEND_UNAVAILABLE'
  | 'DATA_NOT_FOUND'
  | 'DATA_CORRUPT'
  | 'CHECKSUM_MISMATCH'
  | 'DOWNLOAD_FAILED'
  | 'STORE'
  | 'NOT_FOUND'
  | 'CANCELLED'
  | 'LIMIT'
  | 'SEARCH_FAILED'
  | 'WORKER_REFUSED'
  | 'EXECUTOR_UNAVAILABLE'
  | 'INTERNAL';

export class MstfError extends Error {
  constructor(
    readonly code: MstfErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'MstfError';
  }
}

export function isMstfError(e: unknown): e is MstfError {
  return e instanceof MstfError;
}

/** Longest run of non-blank characters (a genotype, a path, JSON) kept whole in an error line. */
/**
 * The first line of a message, made fit for one line: `Error: ` prefixes that wrapping added (`Error: Error:
 * ENOSPC...`) removed, and any input over 200 characters elided to its start and length (a 3 MB genotype
 * must not be printed twice).
 */
export function tidyMessage(message: string): string {
  const first = message.split('\n').find((l) => l.trim() !== '') ?? '';
  return first
    .replace(/^(?:\s*(?:[A-Z]\w*)?Error:\s+)+/, '')
    .replace(/\S{201,}/g, (t) => `${t.slice(0, 60)}...(${t.length} characters)`)
    .trim();
}

/** One line for a user: the message of an MstfError, or `name: message` of anything else. */
export function oneLine(e: unknown): string {
  if (e instanceof MstfError) return tidyMessage(e.message);
  if (e instanceof Error) return `${e.name}: ${tidyMessage(e.message)}`;
  return tidyMessage(String(e));
}

/** The first line of an error's message, without its class name (for "...(reason)" suffixes). */
export function messageOf(e: unknown): string {
  return tidyMessage(e instanceof Error ? e.message : String(e));
}

/** A code for any error: the MstfError code, STORE for SQLite, the system code (ENOSPC, EACCES...), else INTERNAL. */
export function errorCode(e: unknown): string {
  if (e instanceof MstfError) return e.code;
  const err = e as { name?: string; code?: unknown } | undefined;
  if (err?.name === 'SqliteError') return 'STORE';
  if (typeof err?.code === 'string' && /^E[A-Z]+$/.test(err.code)) return err.code;
  return 'INTERNAL';
}

/**
 * The one line the CLI prints for an error: `mstf: <code>: <message>`. Errors that are not MstfErrors keep their
 * class name when it says something (`TypeError: ...`), never a bare `Error: `.
 */
export function errorLine(e: unknown): string {
  const code = errorCode(e);
  if (e instanceof MstfError || code !== 'INTERNAL') {
    const message = messageOf(e);
    // Node's system errors start with their code ("ENOSPC: no space left..."): not twice.
    return `mstf: ${code}: ${message.startsWith(`${code}: `) ? message.slice(code.length + 2) : message}`;
  }
  const name = e instanceof Error && e.name !== 'Error' ? `${e.name}: ` : '';
  return `mstf: ${code}: ${name}${messageOf(e)}`;
}

/**
 * The first zod issue as one line, "path: message" ("invalid" when there is none). The one helper every
 * schema check (boot options, search config, optimizer options, checkpoints, MCP limits) words its errors with.
 */
export function zodLine(err: { issues: readonly { path: readonly PropertyKey[]; message: string }[] }): string {
  const i = err.issues[0];
  if (!i) return 'invalid';
  const p = i.path.map(String).join('.');
  return p ? `${p}: ${i.message}` : i.message;
}
