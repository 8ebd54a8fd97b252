/** Checks shared by search spaces on what they are created with. */
import { MstfError } from '../errors.js';
import type { SpaceContext } from '../contracts/search-space.js';

/** Input shape [H, W, C] and class count must be positive integers. */
export function checkContext(space: string, ctx: SpaceContext): void {
  const s = ctx?.inputShape;
  if (!Array.isArray(s) || s.length !== 3 || !s.every((v) => Number.isInteger(v) && v > 0)) {
    throw new MstfError(
      'INVALID_ARGUMENT',
      `space ${space}: input shape must be [H, W, C] of positive integers, got ${JSON.stringify(s)}`,
    );
  }
  if (!Number.isInteger(ctx.classes) || ctx.classes < 1) {
    throw new MstfError(
      'INVALID_ARGUMENT',
      `space ${space}: classes must be a positive integer, got ${JSON.stringify(ctx.classes)}`,
    );
  }
}

/** One line for the first zod issue of a space's options, e.g. `space mstf: option channels: ...`. */
export function optionsError(space: string, error: { issues: { path: PropertyKey[]; message: string }[] }): MstfError {
  const issue = error.issues[0];
  const where = issue && issue.path.length > 0 ? `option ${issue.path.map(String).join('.')}` : 'options';
  return new MstfError('INVALID_ARGUMENT', `space ${space}: ${where}: ${issue?.message ?? 'invalid'}`);
}
