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

/** One line for a user: the message of an MstfError, or `name: message` of anything else. */
export function oneLine(e: unknown): string {
  if (e instanceof MstfError) return e.message.split('\n')[0]!;
  if (e instanceof Error) return `${e.name}: ${e.message.split('\n')[0]}`;
  return String(e);
}

/** The first line of an error's message, without its class name (for "...(reason)" suffixes). */
export function messageOf(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.split('\n')[0]!;
}
