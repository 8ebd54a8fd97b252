import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { tidyMessage } from '../../core/errors.js';

const INVALID_PARAMS = -32602;
const INTERNAL_ERROR = -32603;

/**
 * JSON-RPC error responses on one line. The SDK answers a request whose params fail its schema (e.g. `tools/call`
 * without params) with -32603 and the zod issue list pretty-printed as the message; that becomes -32602 (what
 * JSON-RPC calls invalid params) with the first issue, named by path. Any other error message is cut to its first
 * line, long inputs elided.
 */
export function oneLineRpcError(message: JSONRPCMessage): JSONRPCMessage {
  if (!('error' in message) || typeof message.error?.message !== 'string') return message;
  const text = message.error.message;
  let issues: unknown;
  try {
    issues = text.trimStart().startsWith('[') ? JSON.parse(text) : undefined;
  } catch {
    issues = undefined;
  }
  if (Array.isArray(issues) && issues.length > 0 && typeof issues[0]?.message === 'string') {
    const first = issues[0] as { path?: unknown[]; message: string };
    const where = Array.isArray(first.path) && first.path.length > 0 ? `${first.path.join('.')}: ` : '';
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? 's' : ''})` : '';
    const code = message.error.code === INTERNAL_ERROR ? INVALID_PARAMS : message.error.code;
    return {
      ...message,
      error: { ...message.error, code, message: `Invalid params: ${where}${tidyMessage(first.message)}${more}` },
    };
  }
  const tidy = tidyMessage(text);
  return tidy === text ? message : { ...message, error: { ...message.error, message: tidy } };
}
