import type { ResolvedSearchConfig } from '../search/config.js';

export const SEARCH_STATUSES = ['queued', 'running', 'completed', 'failed', 'cancelled'] as const;
export type SearchStatus = (typeof SEARCH_STATUSES)[number];

/** What a search's final pick looks like everywhere (store, `runs show`, MCP). */
export interface SelectedArchitecture {
  genotype: string;
  hash: string;
  /** Raw indicator values (null: failed / non-finite). */
  scores: Record<string, number | null>;
  flops: number | null;
  params: number | null;
}

export interface SearchRecord {
  id: string;
  createdAt: string;
  updatedAt: string;
  config: ResolvedSearchConfig;
  /** The extension options the search's numbers depend on, by "<kind>.<id>" (null: created before schema 4). */
  options: Record<string, unknown> | null;
  seed: number;
  status: SearchStatus;
  pid: number | null;
  heartbeat: string | null;
  /** Last generation whose checkpoint is written (-1: none yet). */
  generation: number;
  generations: number;
  /** Candidate rows stored so far (evaluated or reused). */
  evaluated: number;
  total: number;
  error: string | null;
  selected: SelectedArchitecture | null;
  cancelRequested: boolean;
  startedAt: string | null;
  finishedAt: string | null;
}

export type CandidateState = 'ok' | 'failed';

export interface CandidateInput {
  searchId: string;
  generation: number;
  idx: number;
  genotype: string;
  hash: string;
  state: CandidateState;
  degenerate: boolean;
  scores: Record<string, number | null>;
  flops: number | null;
  params: number | null;
  flags: string[];
  details?: Record<string, unknown>;
  error?: string | null;
  ms: number;
  reusedFrom?: number | null;
}

export interface CandidateRecord extends CandidateInput {
  id: number;
  details: Record<string, unknown>;
  error: string | null;
  reusedFrom: number | null;
  createdAt: string;
}

/** A candidate's place in one generation's merged pool, with the objectives computed over that pool. */
export interface PoolMemberInput {
  candidateId: number;
  role: 'parent' | 'offspring';
  objectives: number[];
  normalised: Record<string, number>;
  flagged: string[];
  violation: number;
  survived: boolean;
  /** Non-dominated rank among the survivors (0 = Pareto front); null for the ones that did not survive. */
  rank: number | null;
}

export interface PoolMember extends PoolMemberInput {
  generation: number;
  position: number;
  candidate: CandidateRecord;
}

export interface GenerationSummary {
  generation: number;
  createdAt: string;
  ms: number;
  summary: Record<string, unknown>;
}

export interface ParetoEntry {
  candidateId: number;
  objectives: number[];
  normalised: Record<string, number>;
  violation: number;
}

export interface StoredResult {
  selectedCandidateId: number;
  selected: ParetoEntry;
  pareto: ParetoEntry[];
  createdAt: string;
}

export const TRAINING_STATUSES = ['running', 'completed', 'cancelled', 'failed'] as const;
export type TrainingStatus = (typeof TRAINING_STATUSES)[number];

/** A training as the run store records it (its files stay in outDir). */
export interface TrainingRecord {
  id: string;
  outDir: string;
  searchId: string | null;
  memberHash: string | null;
  dataset: string;
  model: Record<string, unknown>;
  status: TrainingStatus;
  config: Record<string, unknown>;
  /** Final metrics once completed: test and val {acc, auc, loss}, bestEpoch, history... */
  metrics: Record<string, unknown> | null;
  error: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface TrainingStart {
  id: string;
  outDir: string;
  searchId?: string | null;
  memberHash?: string | null;
  dataset: string;
  model: Record<string, unknown>;
  config: Record<string, unknown>;
}
