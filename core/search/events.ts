import type { ResolvedSearchConfig } from './config.js';
import { z } from 'zod';
import { SEARCH_STATUSES, type SearchStatus, type SelectedArchitecture } from '../store/types.js';

/** onCandidateEvaluated: one candidate stored (evaluated now, or reused from the store). */
export interface CandidateEvent {
  type: 'candidate';
  searchId: string;
  generation: number;
  /** Position in this generation's ask() and how many were asked. */
  index: number;
  count: number;
  /** Candidates stored so far in the whole search, and the total the search will store. */
  evaluated: number;
  total: number;
  genotype: string;
  hash: string;
  state: 'ok' | 'failed';
  flags: string[];
  scores: Record<string, number | null>;
  flops: number | null;
  params: number | null;
  ms: number;
  /** Taken from the store (resume, or the same network seen earlier) instead of evaluated again. */
  reused: boolean;
  error: string | null;
}

/** onGenerationEnd: a generation's tell and checkpoint are committed. */
export interface GenerationEvent {
  type: 'generation';
  searchId: string;
  generation: number;
  generations: number;
  evaluated: number;
  total: number;
  /** Size of the population's first front. */
  front: number;
  /** Best raw value per indicator in the population (finite values only; null: none finite). */
  best: Record<string, number | null>;
  ms: number;
  etaSeconds: number | null;
}

export interface DoneEvent {
  type: 'done';
  searchId: string;
  status: SearchStatus;
  selected: SelectedArchitecture | null;
  error: string | null;
}

export type SearchEvent = CandidateEvent | GenerationEvent | DoneEvent;

/** One member of the final Pareto front, as `runs show` and MCP get_pareto_front return it. */
export interface ParetoMember extends SelectedArchitecture {
  /** Objectives (minimised), normalised over the final population. */
  objectives: number[];
  /** Normalised indicator (and FLOPs) values over the final population. */
  normalised: Record<string, number>;
  violation: number;
}

/** What `run` returns and `mstf search --json` prints last. */
export interface SearchSummary {
  searchId: string;
  status: SearchStatus;
  selected: SelectedArchitecture | null;
  pareto: ParetoMember[];
  error: string | null;
}

/** `show(id)`: the summary plus the config (exactly what `mstf runs show <id> --json` prints). */
export interface SearchDetails extends SearchSummary {
  config: ResolvedSearchConfig;
  generation: number;
  generations: number;
  evaluated: number;
  total: number;
  createdAt: string;
  finishedAt: string | null;
}

/**
 * `status(id)`: what `mstf runs status` prints and the fields MCP get_search_status answers (it adds percent,
 * pollAfterSeconds and logFile). One definition: the MCP output schema is built from this shape.
 */
export const searchStatusReportShape = {
  id: z.string(),
  status: z.enum(SEARCH_STATUSES),
  generation: z.number().describe('last checkpointed generation (0-based; -1: none yet)'),
  generations: z.number(),
  evaluated: z.number().describe('candidates stored so far'),
  total: z.number().describe('candidates the search stores in all'),
  /** Best raw value per indicator over the candidates stored so far (finite values only). */
  best: z.record(z.string(), z.number().nullable()).describe('best raw value per indicator so far'),
  etaSeconds: z.number().nullable(),
  heartbeat: z.string().nullable(),
  pid: z.number().nullable(),
  /** A live process is running it now. */
  alive: z.boolean().describe('a live process runs it now'),
  error: z.string().nullable(),
};
export type SearchStatusReport = z.infer<z.ZodObject<typeof searchStatusReportShape>>;
