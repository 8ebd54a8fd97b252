import { checkSearchOptions, searchOptionsRecord } from './options-record.js';
import { inject, injectable } from 'tsyringe';
import { MstfError, isMstfError, oneLine } from '../errors.js';
import { KernelStore, KernelToken } from '../kernel/services.js';
import type { Kernel } from '../kernel/loader.js';
import type { Batch } from '../contracts/dataset.js';
import type { OptimizerInstance } from '../contracts/optimizer.js';
import type { RawScores } from '../contracts/objective.js';
import { finalPick, paretoFront } from '../pareto/index.js';
import type { GenerationCommit, RunStore } from '../store/run-store.js';
import { noFeasibleCandidate } from '../store/outcome.js';
import { checkBatchFits } from '../indicators/runner.js';
import type { CandidateRecord, ParetoEntry, PoolMember, PoolMemberInput, SearchRecord } from '../store/types.js';
import { bestScores, generationStep, type PoolRow, type StepResult } from './generation.js';
import { resolveSearchConfig } from './config.js';
import type {
  CandidateEvent,
  ParetoMember,
  SearchDetails,
  SearchEvent,
  SearchStatusReport,
  SearchSummary,
} from './events.js';
import { deriveSeed } from './seeds.js';
import {
  archRequest,
  evaluationSpec,
  loadSearchBatch,
  makeProblem,
  resolveSetup,
  type SearchKernel,
  type SearchSetup,
} from './setup.js';
import type { ExecutorSession } from '../contracts/executor.js';
import type { Genotype } from '../contracts/search-space.js';
import type { EvaluationRequest } from '../evaluation/spec.js';
import type { ArchRequest } from '../arch/describe.js';
import { finiteOrNull } from '../util/values.js';

/** How often a running search writes its heartbeat (also written with every candidate). */
export const HEARTBEAT_MS = 2_000;
/** A `running` search whose heartbeat is older than this is treated as dead even if its pid exists. */
export const STALE_MS = 10 * 60_000;

export interface RunOptions {
  /** Abort: the candidate in flight finishes and is stored, then the search ends `cancelled`. */
  signal?: AbortSignal;
  /** onCandidateEvaluated / onGenerationEnd / done. */
  onEvent?: (event: SearchEvent) => void;
  /** Executor for this run (default: the search config's) and its settings; the results do not depend on them. */
  executor?: { id?: string; workers?: number; redis?: string };
  /** One-line diagnostics of the executor (workers joining, refusals). */
  log?: (line: string) => void;
}

/** Whether a process with this pid exists on this machine. */
export function pidAlive(pid: number | null): boolean {
  if (!pid || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A live process runs this search now (its pid exists and its heartbeat is fresh). */
export function isSearchAlive(s: Pick<SearchRecord, 'status' | 'pid' | 'heartbeat'>, now = Date.now()): boolean {
  if (s.status !== 'running' || !pidAlive(s.pid)) return false;
  return s.heartbeat !== null && now - Date.parse(s.heartbeat) < STALE_MS;
}

/** Raw score row of a candidate for the objective builder. */
function rawRow(c: CandidateRecord, ids: readonly string[]): RawScores {
  return Object.fromEntries(ids.map((id) => [id, c.scores[id] ?? null]));
}

/** Degenerate networks and candidates whose scores failed are infeasible (ranked below every feasible one). */
function violationOf(c: CandidateRecord): number {
  return c.degenerate || c.state === 'failed' ? 1 : 0;
}

/** Best finite raw value per indicator over stored candidates. */
function bestOf(cands: readonly CandidateRecord[], indicators: readonly string[]): Record<string, number | null> {
  return bestScores(
    cands.map((c) => ({ raw: c.scores })),
    indicators,
  );
}

/** What the store keeps of one generation: the pool's rows, the checkpoint and its population, the summary. */
function generationCommit(
  searchId: string,
  generation: number,
  parents: readonly CandidateRecord[],
  offspring: readonly CandidateRecord[],
  step: StepResult,
  ms: number,
): GenerationCommit {
  const candidates = [...parents, ...offspring];
  const survived = new Set(step.survivors);
  const members: PoolMemberInput[] = candidates.map((c, k) => ({
    candidateId: c.id,
    role: k < parents.length ? 'parent' : 'offspring',
    objectives: step.objectives.F[k]!,
    normalised: step.objectives.normalised[k]!,
    flagged: step.objectives.flagged[k]!,
    violation: step.pool[k]!.violation,
    survived: survived.has(k),
    rank: step.rank[k] ?? null,
  }));
  return {
    searchId,
    generation,
    members,
    checkpoint: step.state,
    population: step.survivors.map((k) => candidates[k]!.id),
    summary: { best: step.best, front: step.front, pool: candidates.length, population: step.survivors.length },
    ms,
  };
}

/**
 * The population's candidate rows for a checkpoint written before schema 3 (which did not name them): each
 * member of the restored optimizer's population is the row of that generation's pool with its genotype text
 * (the last such row), as the loop then found them.
 */
function populationBefore3(
  id: string,
  optimizer: OptimizerInstance,
  pool: readonly PoolMember[],
  format: (x: Genotype) => string,
): CandidateRecord[] {
  const known = new Map(pool.map((m) => [m.candidate.genotype, m.candidate]));
  return optimizer.population().map((p) => {
    const c = known.get(format(p.x));
    if (!c) throw new MstfError('INTERNAL', `search ${id}: population member ${format(p.x)} is not in the store`);
    return c;
  });
}

/**
 * Runs searches and answers questions about them, over one run store. Used by `mstf search`,
 * `mstf runs ...` and the MCP server. Searches are resumable: every candidate is stored as it is
 * evaluated, and the optimizer state is checkpointed with each generation.
 */
@injectable()
export class SearchService {
  constructor(
    @inject(KernelToken) private readonly kernel: SearchKernel,
    @inject(KernelStore) private readonly stores: KernelStore,
  ) {}

  /** The kernel's service (`kernel.resolve(SearchService)`): one per kernel, over the kernel's run store. */
  static fromKernel(kernel: Pick<Kernel, 'resolve'>): SearchService {
    return kernel.resolve(SearchService);
  }

  /** The kernel's run store at settings.storePath, opened on first use. */
  get store(): RunStore {
    return this.stores.get();
  }

  /** Close the run store (a later use opens it again); kernel.dispose() closes it for good. */
  close(): void {
    this.stores.close();
  }

  /** Validate a search config against the registered extensions and the data, then store it `queued`. */
  create(input: unknown): string {
    const config = resolveSearchConfig(input);
    const setup = resolveSetup(this.kernel, config);
    return this.store.createSearch(config, searchOptionsRecord(this.kernel, setup));
  }

  list(): SearchRecord[] {
    return this.store.listSearches();
  }

  /**
   * Run a queued search, or resume an interrupted / failed / cancelled one from its last checkpoint,
   * to the end. Cancelled (signal, SIGINT/SIGTERM in the CLI, or cancel() from another process): the
   * candidate in flight is stored and the search ends `cancelled`. A failure is recorded (`failed`,
   * error) and rethrown.
   */
  async run(id: string, opts: RunOptions = {}): Promise<SearchSummary> {
    const store = this.store;
    const record = store.requireSearch(id);
    if (record.status === 'completed') return this.summary(id);
    const setup = resolveSetup(this.kernel, record.config);
    checkSearchOptions(id, record.options, searchOptionsRecord(this.kernel, setup));
    const executor = opts.executor?.id ? this.kernel.registry('executor').get(opts.executor.id) : setup.executor;
    store.claimSearch(id, process.pid, (s) => isSearchAlive(s));

    const controller = new AbortController();
    const onAbort = () => controller.abort(opts.signal?.reason);
    if (opts.signal?.aborted) controller.abort(opts.signal.reason);
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const heartbeat = setInterval(() => {
      try {
        store.heartbeat(id);
        if (store.isCancelRequested(id)) controller.abort(new MstfError('CANCELLED', 'cancel requested'));
      } catch {
        // A busy store skips one beat; the next candidate writes one anyway.
      }
    }, HEARTBEAT_MS);
    heartbeat.unref();
    const emit = (e: SearchEvent) => opts.onEvent?.(e);

    let session: ExecutorSession | undefined;
    try {
      let batch: Batch | 'dataset' | undefined = 'dataset';
      if (executor.batchAs === 'arrays') {
        // Reading the split and drawing the batch: once per search, before any candidate.
        batch = await loadSearchBatch(this.kernel, setup);
        checkBatchFits(Object.values(setup.indicators), batch);
      }
      session = await executor.open(evaluationSpec(setup, this.kernel, batch), {
        searchId: id,
        kernel: this.kernel,
        ...(opts.executor?.workers !== undefined ? { workers: opts.executor.workers } : {}),
        ...(opts.executor?.redis !== undefined ? { redis: opts.executor.redis } : {}),
        ...(opts.log ? { log: opts.log } : {}),
      });
      await this.loop(id, setup, session, controller, emit);
      const infeasible = noFeasibleCandidate(id, store.candidates(id));
      if (infeasible) throw infeasible;
      this.finishWithResult(id, setup);
      await session.close({ finished: true });
    } catch (e) {
      const cancelled = controller.signal.aborted || (isMstfError(e) && e.code === 'CANCELLED');
      await session?.close({ cancelled }).catch(() => undefined);
      if (cancelled) {
        store.finish(id, 'cancelled');
      } else {
        store.finish(id, 'failed', oneLine(e));
        emit({ type: 'done', searchId: id, status: 'failed', selected: null, error: oneLine(e) });
        throw e;
      }
    } finally {
      clearInterval(heartbeat);
      opts.signal?.removeEventListener('abort', onAbort);
    }
    const summary = this.summary(id);
    emit({ type: 'done', searchId: id, status: summary.status, selected: summary.selected, error: summary.error });
    return summary;
  }

  /**
   * The generation loop, from the last checkpoint (or the start) to the last generation: ask -> executor ->
   * store the candidates -> generationStep (objectives, tell, survivors) -> store the generation -> events.
   */
  private async loop(
    id: string,
    setup: SearchSetup,
    session: ExecutorSession,
    controller: AbortController,
    emit: (e: SearchEvent) => void,
  ): Promise<void> {
    const store = this.store;
    const { space, config } = setup;
    const optimizer = setup.optimizer.create(
      makeProblem(setup),
      setup.optimizerOptions,
      deriveSeed(config.seed, 'optimizer'),
    );
    const row = (c: CandidateRecord): PoolRow => ({
      x: space.parse(c.genotype),
      raw: rawRow(c, setup.scoreIds),
      violation: violationOf(c),
    });
    const objective = { builder: setup.objective, indicators: config.indicators, options: setup.objectiveOptions };

    const resume = this.resumePoint(id, setup, optimizer);
    let population = resume.population;
    const evalMs: number[] = store
      .candidates(id)
      .filter((c) => c.reusedFrom === null)
      .map((c) => c.ms);
    const total = store.requireSearch(id).total;

    const throwIfCancelled = () => {
      if (controller.signal.aborted || store.isCancelRequested(id)) {
        controller.abort();
        throw new MstfError('CANCELLED', `search ${id} cancelled`);
      }
    };

    for (let g = resume.first; g < config.generations; g++) {
      throwIfCancelled();
      const t0 = performance.now();
      const parents = population;
      const asked = optimizer.ask();
      const offspring = await this.evaluateGeneration(id, g, setup, asked, session, controller, emit, total, evalMs);

      const step = generationStep({
        optimizer,
        parents: parents.map(row),
        offspring: offspring.map((c, index) => ({ index, ...row(c) })),
        objective,
        identify: (x) => space.format(x),
      });
      const candidates = [...parents, ...offspring];
      population = step.survivors.map((k) => candidates[k]!);
      const ms = performance.now() - t0;
      store.commitGeneration(generationCommit(id, g, parents, offspring, step, ms));

      const done = store.requireSearch(id).evaluated;
      const avg = evalMs.length > 0 ? evalMs.reduce((a, b) => a + b, 0) / evalMs.length : null;
      emit({
        type: 'generation',
        searchId: id,
        generation: g,
        generations: config.generations,
        evaluated: done,
        total,
        front: step.front,
        best: step.best,
        ms,
        etaSeconds: avg === null ? null : (Math.max(0, total - done) * avg) / 1000,
      });
    }
    throwIfCancelled();
  }

  /**
   * Where a search continues: the first generation to run and the population's candidate rows. The checkpoint
   * is the optimizer's state (restored into `optimizer`) and names its population's candidates.
   */
  private resumePoint(
    id: string,
    setup: SearchSetup,
    optimizer: OptimizerInstance,
  ): { first: number; population: CandidateRecord[] } {
    const store = this.store;
    const checkpoint = store.latestCheckpoint(id);
    if (!checkpoint) return { first: 0, population: [] };
    optimizer.restore(checkpoint.state);
    const population = checkpoint.population
      ? checkpoint.population.map((cid) => {
          const c = store.candidate(cid);
          if (!c) throw new MstfError('INTERNAL', `search ${id}: population member ${cid} is not in the store`);
          return c;
        })
      : populationBefore3(id, optimizer, store.pool(id, checkpoint.generation), (x) => setup.space.format(x));
    return { first: checkpoint.generation + 1, population };
  }

  /**
   * One generation's candidates: ask -> dispatch -> collect by index -> store -> (caller) tell. Candidates
   * stored before an interruption are taken as they are; a network scored earlier in this search (same hash,
   * so bit-identical scores) is recorded as reused; only the first of several equal networks of this
   * generation is evaluated. Every row is stored as it arrives under its index, so the outcome does not depend
   * on the executor, the number of workers or the order in which rows arrive.
   */
  private async evaluateGeneration(
    id: string,
    g: number,
    setup: SearchSetup,
    asked: Genotype[],
    session: ExecutorSession,
    controller: AbortController,
    emit: (e: SearchEvent) => void,
    total: number,
    evalMs: number[],
  ): Promise<CandidateRecord[]> {
    const store = this.store;
    const { space } = setup;
    const stored = new Map(store.candidates(id, g).map((c) => [c.idx, c]));
    const rows: (CandidateRecord | undefined)[] = new Array(asked.length);
    const requests: EvaluationRequest[] = [];
    /** index of the request evaluating a hash of this generation -> later indices with the same hash. */
    const copies = new Map<number, number[]>();
    const firstOfHash = new Map<string, number>();

    const report = (i: number, c: CandidateRecord, reused: boolean) => {
      rows[i] = c;
      emit({
        type: 'candidate',
        searchId: id,
        generation: g,
        index: i,
        count: asked.length,
        evaluated: store.requireSearch(id).evaluated,
        total,
        genotype: c.genotype,
        hash: c.hash,
        state: c.state,
        flags: c.flags,
        scores: c.scores,
        flops: c.flops,
        params: c.params,
        ms: c.ms,
        reused,
        error: c.error,
      } satisfies CandidateEvent);
    };
    const recordReuse = (i: number, same: CandidateRecord) => {
      const cid = store.recordCandidate({
        searchId: id,
        generation: g,
        idx: i,
        genotype: space.format(asked[i]!),
        hash: same.hash,
        state: same.state,
        degenerate: same.degenerate,
        scores: same.scores,
        flops: same.flops,
        params: same.params,
        flags: same.flags,
        details: { reusedFrom: same.id },
        error: same.error,
        ms: 0,
        reusedFrom: same.id,
      });
      report(i, store.candidate(cid)!, true);
    };

    for (const [i, x] of asked.entries()) {
      const genotype = space.format(x);
      const hash = space.hash(x);
      const previous = stored.get(i);
      if (previous) {
        // Resume: this candidate was stored before the interruption.
        if (previous.genotype !== genotype) {
          throw new MstfError(
            'INTERNAL',
            `search ${id} generation ${g}: candidate ${i} was ${previous.genotype} but the optimizer now asks ${genotype} (optimizer not deterministic)`,
          );
        }
        report(i, previous, true);
        continue;
      }
      const same = store.candidateByHash(id, hash);
      if (same) {
        // The same network was scored earlier in this search: its scores are bit-identical.
        recordReuse(i, same);
        continue;
      }
      const owner = firstOfHash.get(hash);
      if (owner !== undefined) {
        copies.get(owner)!.push(i);
        continue;
      }
      firstOfHash.set(hash, i);
      copies.set(i, []);
      requests.push({ index: i, genotype });
    }

    if (requests.length > 0) {
      await session.evaluate(requests, {
        signal: controller.signal,
        onResult: (row, request) => {
          const cid = store.recordCandidate({ searchId: id, generation: g, idx: request.index, ...row });
          evalMs.push(row.ms);
          const c = store.candidate(cid)!;
          report(request.index, c, false);
          for (const j of copies.get(request.index) ?? []) recordReuse(j, c);
          if (store.isCancelRequested(id)) controller.abort(new MstfError('CANCELLED', 'cancel requested'));
        },
      });
    }
    return rows.map((c, i) => {
      if (!c) throw new MstfError('INTERNAL', `search ${id} generation ${g}: candidate ${i} has no result`);
      return c;
    });
  }

  /**
   * Final pick and Pareto front; status `completed`. "The last generation" of the paper is the final
   * population: its objectives are rebuilt over itself (min-max over the population, Eq. 5), then the pick
   * is the feasible member with the highest normalised p1 + p2 and the front is its first non-dominated
   * front (constraint-domination).
   */
  private finishWithResult(id: string, setup: SearchSetup): void {
    const store = this.store;
    const last = setup.config.generations - 1;
    const population = store.pool(id, last).filter((m) => m.survived);
    if (population.length === 0) throw new MstfError('INTERNAL', `search ${id}: generation ${last} has no population`);
    const built = setup.objective.build(
      population.map((m) => rawRow(m.candidate, setup.scoreIds)),
      setup.config.indicators,
      setup.objectiveOptions,
    );
    const pick = finalPick(population, built.normalised, setup.config.indicators);
    const front = paretoFront(population.map((m, i) => ({ F: built.F[i]!, violation: m.violation })));
    const entry = (i: number): ParetoEntry => ({
      candidateId: population[i]!.candidateId,
      objectives: built.F[i]!,
      normalised: built.normalised[i]!,
      violation: population[i]!.violation,
    });
    store.saveResult(id, entry(pick), front.map(entry));
  }

  /** The outcome of a search (selected architecture and final Pareto front once completed). */
  summary(id: string): SearchSummary {
    const s = this.store.requireSearch(id);
    const result = this.store.result(id);
    const member = (e: ParetoEntry): ParetoMember => {
      const c = this.store.candidate(e.candidateId)!;
      return {
        genotype: c.genotype,
        hash: c.hash,
        scores: Object.fromEntries(Object.entries(c.scores).map(([k, v]) => [k, finiteOrNull(v)])),
        flops: c.flops,
        params: c.params,
        objectives: e.objectives,
        normalised: e.normalised,
        violation: e.violation,
      };
    };
    let selected: SearchSummary['selected'] = null;
    if (result) {
      const { objectives: _o, normalised: _n, violation: _v, ...arch } = member(result.selected);
      selected = arch;
    }
    return {
      searchId: s.id,
      status: s.status,
      selected,
      pareto: result ? result.pareto.map(member) : [],
      error: s.error,
    };
  }

  /** `mstf runs show <id> --json`; MCP get_pareto_front / get_selected_architecture return its parts. */
  show(id: string): SearchDetails {
    const s = this.store.requireSearch(id);
    return {
      ...this.summary(id),
      config: s.config,
      generation: s.generation,
      generations: s.generations,
      evaluated: s.evaluated,
      total: s.total,
      createdAt: s.createdAt,
      finishedAt: s.finishedAt,
    };
  }

  status(id: string): SearchStatusReport {
    const s = this.store.requireSearch(id);
    const cands = this.store.candidates(id);
    const timed = cands.filter((c) => c.reusedFrom === null && c.ms > 0);
    const alive = isSearchAlive(s);
    const avg = timed.length > 0 ? timed.reduce((a, c) => a + c.ms, 0) / timed.length : null;
    const unfinished = s.status === 'running' || s.status === 'queued';
    return {
      id: s.id,
      status: s.status,
      generation: s.generation,
      generations: s.generations,
      evaluated: s.evaluated,
      total: s.total,
      best: bestOf(cands, s.config.indicators),
      etaSeconds: unfinished && avg !== null ? (Math.max(0, s.total - s.evaluated) * avg) / 1000 : null,
      heartbeat: s.heartbeat,
      pid: s.pid,
      alive,
      error: s.error,
    };
  }

  /** The resolved extensions of a stored search (for reports and exports; the data need not be present). */
  setupOf(id: string): SearchSetup {
    return resolveSetup(this.kernel, this.store.requireSearch(id).config, { checkData: false });
  }

  /**
   * A genotype of this search (default: its selected architecture) as `mstf arch` sees it: the request
   * (space, options, input shape, classes; what `mstf train` needs), the space's description and drawing.
   */
  architecture(id: string, genotype?: string): { request: ArchRequest; summary: string; svg: string } {
    const s = this.store.requireSearch(id);
    const text = genotype ?? s.selected?.genotype;
    if (!text)
      throw new MstfError('INVALID_ARGUMENT', `search ${id} has no selected architecture yet (status ${s.status})`);
    const setup = resolveSetup(this.kernel, s.config, { checkData: false });
    const g = setup.space.parse(text);
    return { request: archRequest(setup, text), summary: setup.space.describe(g), svg: setup.space.draw(g) };
  }

  /**
   * Cancel (idempotent). A live search gets the cancel flag and a SIGTERM; it stores the candidate in
   * flight and ends `cancelled`. A queued search, or a `running` one whose process is gone, is marked
   * `cancelled` at once. Finished searches are left as they are.
   */
  cancel(id: string): { id: string; status: SearchRecord['status']; signalled: boolean } {
    const store = this.store;
    const s = store.requireSearch(id);
    if (s.status === 'completed' || s.status === 'failed' || s.status === 'cancelled') {
      return { id, status: s.status, signalled: false };
    }
    store.requestCancel(id);
    let signalled = false;
    if (isSearchAlive(s)) {
      if (s.pid !== process.pid) {
        try {
          process.kill(s.pid!, 'SIGTERM');
          signalled = true;
        } catch {
          // Gone between the check and the signal: the flag is enough.
        }
      }
    } else {
      store.finish(id, 'cancelled');
    }
    return { id, status: store.requireSearch(id).status, signalled };
  }
}
