import { MstfError } from '../errors.js';
import type { CandidateRecord } from './types.js';

/** Distinct errors quoted when every candidate of a search failed. */
const QUOTED = 3;

/**
 * A search with no feasible candidate (every one failed or is degenerate) has nothing to select: picking the
 * "best" infeasible one would report success on a broken setup (an indicator that always throws, a batch it
 * cannot use). The error names how many failed and their first distinct errors.
 */
export function noFeasibleCandidate(searchId: string, candidates: readonly CandidateRecord[]): MstfError | undefined {
  if (candidates.length === 0 || candidates.some((c) => c.state === 'ok' && !c.degenerate)) return undefined;
  const failed = candidates.filter((c) => c.state === 'failed');
  const errors = [...new Set(failed.map((c) => c.error ?? 'no error recorded'))];
  const quoted = errors
    .slice(0, QUOTED)
    .map((e) => `"${e}"`)
    .join('; ');
  const more = errors.length > QUOTED ? ` and ${errors.length - QUOTED} more` : '';
  const degenerate = candidates.length - failed.length;
  return new MstfError(
    'SEARCH_FAILED',
    `search ${searchId}: none of its ${candidates.length} candidates is feasible, nothing to select ` +
      `(${failed.length} failed${degenerate ? `, ${degenerate} degenerate` : ''}${failed.length ? `: ${quoted}${more}` : ''})`,
  );
}
