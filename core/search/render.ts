/**
 * Text for people: the progress line of a running search and the result block. Pure functions of the
 * events and summaries, so the CLI only decides where to write them.
 */
import type { CandidateEvent, GenerationEvent, SearchSummary } from './events.js';
import type { SearchRecord } from '../store/types.js';

/** 75 -> "1m15s", 3725 -> "1h02m". */
export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '?';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** 1234567 -> "1.23M"; 950 -> "950". */
export function formatCount(n: number | null): string {
  if (n === null || !Number.isFinite(n)) return '-';
  const a = Math.abs(n);
  if (a >= 1e9) return `${(n / 1e9).toFixed(2)}G`;
  if (a >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (a >= 1e3) return `${(n / 1e3).toFixed(2)}K`;
  return String(n);
}

/** A raw score for display: 4 significant digits. */
export function formatScore(v: number | null | undefined): string {
  if (v === null || v === undefined) return 'failed';
  if (!Number.isFinite(v)) return String(v);
  return Number(v.toPrecision(4)).toString();
}

/** Progress of a running search, folded from its events. */
export class ProgressTracker {
  generation = 0;
  generations: number;
  evaluated = 0;
  total: number;
  best: Record<string, number | null> = {};
  private msSum = 0;
  private msCount = 0;

  constructor(
    record: Pick<SearchRecord, 'generations' | 'total' | 'evaluated' | 'generation'>,
    private readonly indicators: readonly string[],
  ) {
    this.generations = record.generations;
    this.total = record.total;
    this.evaluated = record.evaluated;
    this.generation = Math.max(0, record.generation + 1);
  }

  onCandidate(e: CandidateEvent): void {
    this.generation = e.generation;
    this.evaluated = e.evaluated;
    if (!e.reused) {
      this.msSum += e.ms;
      this.msCount++;
    }
    for (const id of this.indicators) {
      const v = e.scores[id];
      if (typeof v === 'number' && Number.isFinite(v) && (this.best[id] == null || v > this.best[id]!))
        this.best[id] = v;
    }
  }

  onGeneration(e: GenerationEvent): void {
    this.generation = Math.min(e.generation + 1, e.generations - 1);
    this.evaluated = e.evaluated;
  }

  get etaSeconds(): number | null {
    if (this.msCount === 0) return null;
    return ((this.total - this.evaluated) * (this.msSum / this.msCount)) / 1000;
  }

  /** "gen 2/6 [#######.......] 30/72 | best jacob_cov 512.3 synflow 40.12 | ETA 1m20s". */
  line(width = 20): string {
    const frac = this.total > 0 ? Math.min(1, this.evaluated / this.total) : 0;
    const filled = Math.round(frac * width);
    const bar = '#'.repeat(filled) + '.'.repeat(width - filled);
    const best = this.indicators
      .map((id) => `${id} ${this.best[id] == null ? '-' : formatScore(this.best[id])}`)
      .join(' ');
    return `gen ${this.generation}/${this.generations - 1} [${bar}] ${this.evaluated}/${this.total} | best ${best} | ETA ${formatDuration(this.etaSeconds)}`;
  }
}

/** The end of `mstf search`: what was selected, its scores and cost, and its description. */
export function formatResult(summary: SearchSummary, description: string | undefined, wallSeconds: number): string {
  const lines = [`Search ${summary.searchId}: ${summary.status} in ${formatDuration(wallSeconds)}`];
  if (summary.error) lines.push(`error: ${summary.error}`);
  const s = summary.selected;
  if (s) {
    lines.push('', 'Selected architecture (highest normalised p1 + p2 in the last population):');
    lines.push(`  genotype: ${s.genotype}`);
    lines.push(`  hash:     ${s.hash}`);
    lines.push(
      `  scores:   ${Object.entries(s.scores)
        .map(([k, v]) => `${k} ${formatScore(v)}`)
        .join(', ')}`,
    );
    lines.push(
      `  FLOPs:    ${formatCount(s.flops)} (multiply-accumulates per image), params: ${formatCount(s.params)}`,
    );
    if (description) lines.push('', ...description.split('\n').map((l) => `  ${l}`));
    lines.push(
      '',
      `Pareto front of the last population: ${summary.pareto.length} architecture(s); see \`mstf runs show ${summary.searchId}\`.`,
    );
  } else if (summary.status === 'cancelled') {
    lines.push(`Resume with \`mstf runs resume ${summary.searchId}\`.`);
  }
  return lines.join('\n');
}
