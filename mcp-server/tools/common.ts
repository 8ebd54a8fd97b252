/** Arguments and annotations shared by the tools. */
import type { ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';

/** Reads the workspace only; the same answer until something else changes it. */
export const idempotentRead: ToolAnnotations = {
  readOnlyHint: true,
  destructiveHint: false,
  idempotentHint: true,
  openWorldHint: false,
};
/** Starts something (a background process, a stored search); calling it twice starts two. */
export const TOOL_WRITE: ToolAnnotations = {
  readOnlyHint: false,
  destructiveHint: false,
  idempotentHint: false,
  openWorldHint: false,
};

export const detail = z
  .enum(['summary', 'full'])
  .default('summary')
  .describe('summary (default): the few fields a decision needs; full: everything (much longer)');
export const DETAIL_SUMMARY_NOTE = 'detail "summary" (default) keeps the answer short; "full" adds every field.';

export const limitArg = z.number().int().min(1).max(500).default(20).describe('rows per page');
export const cursorArg = z.string().min(1).optional().describe('nextCursor of the previous page');

/** Wait `ms`; false when the request was cancelled meanwhile (the handler then stops between steps). */
export function sleepUnlessAborted(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (v: boolean) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve(v);
    };
    const onAbort = () => done(false);
    const timer = setTimeout(() => done(true), Math.max(0, ms));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
