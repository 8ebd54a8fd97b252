/**
 * `mstf runs export`: every candidate of a search with its raw scores, and the objectives it got in the
 * generation that evaluated it (objectives are pool-relative, see docs/decisions.md).
 */
import type { RunStore } from '../store/run-store.js';

export interface ExportedCandidate {
  id: number;
  generation: number;
  index: number;
  genotype: string;
  hash: string;
  state: 'ok' | 'failed';
  degenerate: boolean;
  flags: string[];
  /** Raw values by score id; non-finite values as in the store (JSON prints them as null, CSV as NaN/Infinity). */
  scores: Record<string, number | null>;
  flops: number | null;
  params: number | null;
  /** Objectives and normalised values over its own generation's pool (null: that generation never finished). */
  objectives: number[] | null;
  normalised: Record<string, number> | null;
  violation: number | null;
  /** Survived its own generation's selection. */
  survived: boolean | null;
  ms: number;
  reusedFrom: number | null;
  error: string | null;
}

export function exportCandidates(store: RunStore, searchId: string): ExportedCandidate[] {
  const s = store.requireSearch(searchId);
  const ownPool = new Map<number, ReturnType<RunStore['pool']>[number]>();
  for (let g = 0; g <= s.generation; g++) {
    for (const m of store.pool(searchId, g)) if (m.candidate.generation === g) ownPool.set(m.candidateId, m);
  }
  return store.candidates(searchId).map((c) => {
    const m = ownPool.get(c.id);
    return {
      id: c.id,
      generation: c.generation,
      index: c.idx,
      genotype: c.genotype,
      hash: c.hash,
      state: c.state,
      degenerate: c.degenerate,
      flags: c.flags,
      scores: c.scores,
      flops: c.flops,
      params: c.params,
      objectives: m ? m.objectives : null,
      normalised: m ? m.normalised : null,
      violation: m ? m.violation : null,
      survived: m ? m.survived : null,
      ms: c.ms,
      reusedFrom: c.reusedFrom,
      error: c.error,
    };
  });
}

/** RFC 4180 field: quoted when it holds a comma, quote or line break. */
function csvField(v: unknown): string {
  const s = v === null || v === undefined ? '' : typeof v === 'number' ? String(v) : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * One header line and one line per candidate; raw scores as score_<id>, objectives f1..fM, normalised
 * values as norm_<id>. flops / params are the analytic IR cost (multiply-accumulates per image, parameters).
 */
export function candidatesToCsv(rows: readonly ExportedCandidate[]): string {
  const scoreIds = [...new Set(rows.flatMap((r) => Object.keys(r.scores)))];
  const normIds = [...new Set(rows.flatMap((r) => Object.keys(r.normalised ?? {})))];
  const nObj = Math.max(0, ...rows.map((r) => r.objectives?.length ?? 0));
  const header = [
    'id',
    'generation',
    'index',
    'genotype',
    'hash',
    'state',
    'degenerate',
    'flags',
    ...scoreIds.map((id) => `score_${id}`),
    'flops',
    'params',
    ...Array.from({ length: nObj }, (_, i) => `f${i + 1}`),
    ...normIds.map((n) => `norm_${n}`),
    'violation',
    'survived',
    'ms',
    'reused_from',
    'error',
  ];
  const lines = [header.join(',')];
  for (const r of rows) {
    lines.push(
      [
        r.id,
        r.generation,
        r.index,
        r.genotype,
        r.hash,
        r.state,
        r.degenerate ? 1 : 0,
        r.flags.join(';'),
        ...scoreIds.map((id) => r.scores[id]),
        r.flops,
        r.params,
        ...Array.from({ length: nObj }, (_, i) => r.objectives?.[i]),
        ...normIds.map((n) => r.normalised?.[n]),
        r.violation,
        r.survived === null ? '' : r.survived ? 1 : 0,
        r.ms,
        r.reusedFrom,
        r.error,
      ]
        .map(csvField)
        .join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}
