import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { MstfError, messageOf } from '../core/errors.js';

/**
 * A successful tool result: `structuredContent` is the value as JSON would carry it (NaN and Infinity become
 * null, exactly what `--json` prints on the CLI), mirrored as text for clients that only read content.
 */
export function ok<T extends object>(value: T): CallToolResult & { structuredContent: Record<string, unknown> } {
  const structured = JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
  return { content: [{ type: 'text', text: JSON.stringify(structured) }], structuredContent: structured };
}

/** A tool error: one clear line an assistant can act on (see assistantLine). */
export function fail(e: unknown): CallToolResult {
  return { content: [{ type: 'text', text: assistantLine(e) }], isError: true };
}

/**
 * The first line of an error's message, without an `Error:` class prefix, and with advice meant for the
 * command line (`run mstf datasets fetch X`, `use --store`) replaced by the tool that does the same here.
 */
export function assistantLine(e: unknown): string {
  let line = messageOf(e).replace(/^(MCP error -?\d+: )?(\w*Error: )+/, '');
  // The size is in the flag, or only in the message ("dataset X (size 64) is not in ...", "X (64x64) is not in").
  const sizeInLine = /\(size (\d+)\)|\((\d+)x\d+\)/.exec(line);
  line = line.replace(
    /(?:run|use) `mstf datasets fetch ([\w-]+)(?: --size (\d+))?`/g,
    (_m, id: string, flag?: string) => {
      const size = flag ?? sizeInLine?.[1] ?? sizeInLine?.[2];
      return `call fetch_dataset {"dataset": "${id}"${size ? `, "size": ${size}` : ''}}`;
    },
  );
  line = line.replace(/ \(use --store\)/g, '');
  line = line.replace(/\(mstf datasets list\)/g, '(list_datasets)');
  return line;
}

/**
 * A JSON-RPC error answer: the SDK sends `code`, `message` and `data` of what a handler throws. Not the SDK's
 * McpError, whose message already starts with "MCP error <code>: " (the client adds that prefix again).
 */
export class ProtocolError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
    this.name = 'ProtocolError';
  }
}

/** JSON-RPC -32602: invalid params (e.g. a tool that does not exist). */
export const INVALID_PARAMS = -32602;

/** A JSON-RPC error for a resource that does not exist (-32002, as the MCP specification says). */
export function resourceNotFound(uri: string, e?: unknown): ProtocolError {
  return new ProtocolError(-32002, e ? `resource ${uri}: ${assistantLine(e)}` : `resource ${uri} not found`, { uri });
}

export function isNotFound(e: unknown): boolean {
  return e instanceof MstfError && e.code === 'NOT_FOUND';
}

/**
 * One page of a long list. The cursor is opaque to clients (the offset, base64url); a bad one is refused
 * with one line rather than silently restarting at the first page.
 */
export function page<T>(
  items: readonly T[],
  limit: number,
  cursor?: string,
): { items: T[]; nextCursor?: string; total: number } {
  let start = 0;
  if (cursor !== undefined) {
    const n = Number(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!Number.isInteger(n) || n < 0)
      throw new MstfError('INVALID_ARGUMENT', `cursor "${cursor}" is not one this server returned`);
    start = n;
  }
  const slice = items.slice(start, start + limit);
  const next = start + limit;
  return {
    items: slice,
    total: items.length,
    ...(next < items.length ? { nextCursor: Buffer.from(String(next)).toString('base64url') } : {}),
  };
}

/**
 * Run a tool body and turn any thrown error into one isError line, so one bad call never takes the server
 * down and the assistant reads why.
 */
export async function guarded(body: () => Promise<CallToolResult> | CallToolResult): Promise<CallToolResult> {
  try {
    return await body();
  } catch (e) {
    return fail(e);
  }
}

/**
 * The SDK reports input that fails a tool's zod schema as
 * `MCP error -32602: Input validation error: Invalid arguments for tool X: <issue at path>\n<issue>...`.
 * Shortened to its first issue, named by path: `start_search: population: Too small: expected number to be >0`.
 */
export function schemaErrorLine(message: string): string {
  const m = /Invalid arguments for tool ([\w-]+): ([\s\S]*)$/.exec(message);
  if (!m) return message.replace(/^MCP error -?\d+: /, '').split('\n')[0]!;
  const [tool, issues] = [m[1]!, m[2]!];
  const lines = issues.split('\n').filter(Boolean);
  const first = lines[0] ?? 'invalid arguments';
  const at = / at ([\w.[\]-]+)$/.exec(first);
  const issue = at ? first.slice(0, at.index) : first;
  // Messages that already start with the argument's name ("population must be at least 1") are not prefixed again.
  const text = at && !issue.startsWith(at[1]!) ? `${at[1]}: ${issue}` : issue;
  const more = lines.length > 1 ? ` (and ${lines.length - 1} more problem${lines.length > 2 ? 's' : ''})` : '';
  return `${tool}: invalid arguments: ${text}${more}`;
}
