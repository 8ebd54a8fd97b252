/**
 * "Any member, anywhere": the one lookup every command uses to name an architecture of a stored search
 * (`--run <id> [--member <hash prefix> | --rank K]`). Without a selector it is the search's pick; with
 * --member it is any evaluated candidate of the search whose network hash starts with the prefix; with
 * --rank K it is the K-th member (1-based) of the final Pareto front, in the order `mstf runs show` lists.
 */
import { MstfError } from '../errors.js';
import type { RunStore } from '../store/run-store.js';
import { KernelStore } from '../kernel/services.js';
import type { Kernel } from '../kernel/loader.js';
import type { CandidateRecord, SearchRecord } from '../store/types.js';
import type { ArchRequest } from '../arch/describe.js';
import { engineOf } from '../engine/select.js';
import { contextFromSpec, evaluateGenotype } from '../evaluation/context.js';
import { archRequest, evaluationSpec, loadSearchBatch, resolveSetup, type SearchKernel } from './setup.js';

export interface MemberSelector {
  /** Prefix of the network hash (`mstf runs show` prints the first 12 characters). */
  member?: string;
  /** 1-based position in the final Pareto front. */
  rank?: number;
}

export interface SearchMember {
  search: SearchRecord;
  /** The first stored evaluation of this network in the search (its scores are the search's). */
  candidate: CandidateRecord;
  /** How it was chosen: the search's pick, a hash prefix, or a Pareto rank. */
  chosenBy: 'pick' | 'member' | 'rank';
  /** 1-based position in the final Pareto front, when it is on it. */
  rank: number | null;
  /** True when this is the search's selected architecture. */
  selected: boolean;
}

/** Resolve a member of search `searchId` in an open store. One-line MstfErrors for every bad input. */
export function findMember(store: RunStore, searchId: string, selector: MemberSelector = {}): SearchMember {
  if (selector.member !== undefined && selector.rank !== undefined) {
    throw new MstfError('INVALID_ARGUMENT', 'give --member <hash prefix> or --rank K, not both');
  }
  const search = store.getSearch(searchId);
  if (!search)
    throw new MstfError('NOT_FOUND', `search "${searchId}" is not in the run store ${store.file} (mstf runs list)`);
  const result = store.result(searchId);
  const front = result ? result.pareto.map((e) => store.candidate(e.candidateId)!) : [];
  const rankOf = (hash: string): number | null => {
    const i = front.findIndex((c) => c.hash === hash);
    return i < 0 ? null : i + 1;
  };
  const selectedHash = search.selected?.hash ?? null;
  const original = (c: CandidateRecord): CandidateRecord =>
    c.reusedFrom !== null ? (store.candidate(c.reusedFrom) ?? c) : c;
  const done = (candidate: CandidateRecord, chosenBy: SearchMember['chosenBy']): SearchMember => ({
    search,
    candidate: original(candidate),
    chosenBy,
    rank: rankOf(candidate.hash),
    selected: candidate.hash === selectedHash,
  });

  if (selector.rank !== undefined) {
    if (!result)
      throw new MstfError(
        'INVALID_ARGUMENT',
        `search "${searchId}" has no final Pareto front yet (status ${search.status}); use --member <hash prefix>`,
      );
    if (!Number.isInteger(selector.rank) || selector.rank < 1 || selector.rank > front.length) {
      throw new MstfError(
        'INVALID_ARGUMENT',
        `--rank ${selector.rank}: the Pareto front of search "${searchId}" has members 1..${front.length}`,
      );
    }
    return done(front[selector.rank - 1]!, 'rank');
  }
  if (selector.member !== undefined) {
    const prefix = selector.member.trim().toLowerCase();
    if (!/^[0-9a-z]+$/.test(prefix))
      throw new MstfError(
        'INVALID_ARGUMENT',
        `--member "${selector.member}": expected a hash prefix (letters and digits)`,
      );
    const byHash = new Map<string, CandidateRecord>();
    for (const c of store.candidates(searchId))
      if (c.hash.startsWith(prefix) && !byHash.has(c.hash)) byHash.set(c.hash, c);
    if (byHash.size === 0)
      throw new MstfError(
        'NOT_FOUND',
        `--member ${prefix}: no candidate of search "${searchId}" has a hash starting with it`,
      );
    if (byHash.size > 1) {
      const some = [...byHash.keys()].slice(0, 4).map((h) => h.slice(0, prefix.length + 4));
      throw new MstfError(
        'INVALID_ARGUMENT',
        `--member ${prefix} is ambiguous: ${byHash.size} networks of search "${searchId}" match (${some.join(', ')}${byHash.size > 4 ? ', ...' : ''}); give more characters`,
      );
    }
    return done([...byHash.values()][0]!, 'member');
  }
  if (!result || !search.selected) {
    throw new MstfError(
      'INVALID_ARGUMENT',
      `search "${searchId}" has no selected architecture yet (status ${search.status}); name one with --member <hash prefix>`,
    );
  }
  return done(store.candidate(result.selectedCandidateId)!, 'pick');
}

/** Resolve the member in the kernel's run store (which must exist: reading never creates an empty store). */
export function readMember(
  kernel: Pick<Kernel, 'resolve'>,
  searchId: string,
  selector: MemberSelector = {},
): SearchMember {
  return findMember(kernel.resolve(KernelStore).existing(), searchId, selector);
}

/** The `mstf arch` request for a member: the search's space, options, input shape and class count. */
export function memberArchRequest(kernel: SearchKernel, m: SearchMember): ArchRequest {
  return archRequest(resolveSetup(kernel, m.search.config, { checkData: false }), m.candidate.genotype);
}

export interface MemberRescore {
  member: SearchMember;
  /** The stored raw scores and the ones computed now, by score id (null: failed). */
  stored: Record<string, number | null>;
  scores: Record<string, number | null>;
  /** Score ids whose new value differs from the stored one (bit for bit; NaN equals NaN). */
  mismatched: string[];
  details: Record<string, unknown>;
  error: string | null;
}

const same = (a: number | null | undefined, b: number | null | undefined): boolean =>
  a === b || (typeof a === 'number' && typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b));

/**
 * Score a member again exactly as its search did: the search's fixed indicator batch (batch seed, size,
 * image size), the network initialised from (search seed, network hash), the same score ids and
 * indicator options (those the kernel was booted with, as for the search). The kernel's backend must be
 * the search's for bit-identical values.
 */
export async function rescoreMember(kernel: SearchKernel, m: SearchMember): Promise<MemberRescore> {
  const setup = resolveSetup(kernel, m.search.config);
  await engineOf(kernel).ready(kernel.settings.backend);
  const batch = await loadSearchBatch(kernel, setup);
  // The same context a search's executor builds from its evaluation spec.
  const ctx = await contextFromSpec(kernel, evaluationSpec(setup, kernel, batch), kernel.settings.dataDir);
  const ev = await evaluateGenotype(ctx, setup.space.format(setup.space.parse(m.candidate.genotype)));
  if (ev.hash !== m.candidate.hash) {
    throw new MstfError(
      'INTERNAL',
      `genotype ${m.candidate.genotype} hashes to ${ev.hash} now, ${m.candidate.hash} in the store: the space changed`,
    );
  }
  const stored = m.candidate.scores;
  const mismatched = setup.scoreIds.filter((id) => !same(ev.scores[id], stored[id]));
  return { member: m, stored, scores: ev.scores, mismatched, details: ev.details, error: ev.error };
}
