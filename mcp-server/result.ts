import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { oneLine } from '../core/errors.js';

/**
 * A successful tool result: `structuredContent` is the value as JSON would carry it (NaN and Infinity become
 * null, exactly what `--json` prints on the CLI), mirrored as text for clients that only read content.
 */
export function ok<T extends object>(value: T): CallToolResult & { structuredContent: Record<string, unknown> } {
  const structured = JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
  return { content: [{ type: 'text', text: JSON.stringify(structured) }], structuredContent: structured };
}

/** A tool error: one clear line (the MstfError message, or `name: message` of anything else). */
export function fail(e: unknown): CallToolResult {
  return { content: [{ type: 'text', text: oneLine(e) }], isError: true };
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
