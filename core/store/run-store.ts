import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import Database from 'better-sqlite3';
import { MstfError, messageOf } from '../errors.js';
import { totalEvaluations, type ResolvedSearchConfig } from '../search/config.js';
import { checkNotNewer, migrate, SCHEMA_VERSION } from './schema.js';
import type {
  CandidateInput,
  CandidateRecord,
  GenerationSummary,
  ParetoEntry,
  PoolMember,
  PoolMemberInput,
  SearchRecord,
  SearchStatus,
  SelectedArchitecture,
  StoredResult,
  TrainingRecord,
  TrainingStart,
  TrainingStatus,
} from './types.js';
import { finiteOrNull } from '../util/values.js';

/** How long a writer waits for another process's write lock before giving up. */
const BUSY_TIMEOUT_MS = 15_000;

/** Everything written after a generation's tell, committed together (or not at all). */
export interface GenerationCommit {
  searchId: string;
  generation: number;
  members: PoolMemberInput[];
  /** optimizer.state() after this generation's tell. */
  checkpoint: unknown;
  /**
   * The candidate ids of that state's population, in population() order: what a resume reads its parents from.
   * The members' `survived` flags are derived from it (a commit where they disagree is refused).
   */
  population?: number[];
  summary: Record<string, unknown>;
  ms: number;
}

const now = () => new Date().toISOString();

/** SQLite and file-system errors that mean "this file or its folder cannot be written". */
function isReadOnlyError(e: unknown): boolean {
  const code = String((e as { code?: unknown })?.code ?? '');
  return /^SQLITE_(READONLY|CANTOPEN|PERM|AUTH)/.test(code) || ['EACCES', 'EROFS', 'EPERM'].includes(code);
}

/** One clear line when a command that writes meets a store it cannot write. */
function cannotWrite(file: string, e: unknown): MstfError | undefined {
  if (!isReadOnlyError(e)) return undefined;
  return new MstfError(
    'STORE',
    `run store ${file}: cannot write it (${messageOf(e)}); this command needs write access to the file and its folder ` +
      '(runs list, show, export and report only read, and work without it)',
  );
}

/** Sortable, readable, unique: 20250314-101502-3fa9c1. */
function newSearchId(): string {
  const t = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${t}-${crypto.randomBytes(3).toString('hex')}`;
}

interface SearchRow {
  id: string;
  created_at: string;
  updated_at: string;
  config: string;
  options: string | null;
  seed: number;
  status: SearchStatus;
  pid: number | null;
  heartbeat: string | null;
  cancel_requested: number;
  generation: number;
  generations: number;
  evaluated: number;
  total: number;
  error: string | null;
  started_at: string | null;
  finished_at: string | null;
  sel_genotype: string | null;
  sel_hash: string | null;
  sel_scores: string | null;
  sel_flops: number | null;
  sel_params: number | null;
}

interface CandidateRow {
  id: number;
  search_id: string;
  generation: number;
  idx: number;
  genotype: string;
  hash: string;
  state: 'ok' | 'failed';
  degenerate: number;
  scores: string;
  flops: number | null;
  params: number | null;
  flags: string;
  details: string | null;
  error: string | null;
  ms: number;
  reused_from: number | null;
  created_at: string;
}

/** JSON that keeps non-finite numbers (raw scores may be NaN / +-Infinity). */
function toJson(v: unknown): string {
  return JSON.stringify(v, (_k, x) => (typeof x === 'number' && !Number.isFinite(x) ? { $num: String(x) } : x));
}
function fromJson<T>(s: string): T {
  return JSON.parse(s, (_k, x) =>
    x && typeof x === 'object' && !Array.isArray(x) && typeof x.$num === 'string' && Object.keys(x).length === 1
      ? Number(x.$num)
      : x,
  ) as T;
}

const SEARCH_SELECT = `
SELECT s.*, c.genotype AS sel_genotype, c.hash AS sel_hash, c.scores AS sel_scores,
       c.flops AS sel_flops, c.params AS sel_params
FROM searches s
LEFT JOIN results r ON r.search_id = s.id
LEFT JOIN candidates c ON c.id = r.selected_candidate_id`;

/**
 * The run store: one SQLite file (WAL, busy timeout) shared by every process of a workspace. All
 * writes are short transactions, so two searches (or a search and an MCP server reading it) can use
 * the same file at once.
 */
export class RunStore {
  private constructor(
    readonly file: string,
    private readonly db: Database.Database,
  ) {}

  /** Open (creating the folder and file if needed) and migrate to the current schema. */
  static open(file: string): RunStore {
    const resolved = file === ':memory:' ? file : path.resolve(file);
    let db: Database.Database;
    try {
      if (resolved !== ':memory:') fs.mkdirSync(path.dirname(resolved), { recursive: true });
      db = new Database(resolved);
    } catch (e) {
      throw cannotWrite(resolved, e) ?? new MstfError('STORE', `run store ${resolved}: cannot open (${messageOf(e)})`);
    }
    try {
      db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      checkNotNewer(db, resolved); // before anything writes to a file a newer mstf owns
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      migrate(db, resolved);
    } catch (e) {
      db.close();
      if (e instanceof MstfError) throw e;
      throw cannotWrite(resolved, e) ?? new MstfError('STORE', `run store ${resolved}: ${messageOf(e)}`);
    }
    return new RunStore(resolved, db);
  }

  /**
   * Open for reading only (runs list|show|export|report): works on read-only media and on a store owned by
   * another user, and never creates or changes a file. A WAL store needs its -shm file, which SQLite cannot create
   * in a folder it may not write; then the file is read into memory instead (what is only in an uncheckpointed
   * -wal file is then not seen, and a warning says so). A missing store reads as an empty one. A store of an older
   * schema is upgraded when the file can be written, as open() does.
   */
  static openReadOnly(file: string, warn: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): RunStore {
    const resolved = path.resolve(file);
    if (!fs.existsSync(resolved)) {
      const empty = new Database(':memory:');
      migrate(empty, resolved);
      return new RunStore(resolved, empty);
    }
    let db: Database.Database | undefined;
    try {
      db = new Database(resolved, { readonly: true, fileMustExist: true });
      db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      db.prepare('SELECT count(*) FROM sqlite_master').get(); // the first read is where a missing -shm fails
    } catch (e) {
      db?.close();
      db = undefined;
      if (!isReadOnlyError(e)) throw new MstfError('STORE', `run store ${resolved}: cannot open (${messageOf(e)})`);
    }
    if (!db) {
      let bytes: Buffer;
      try {
        bytes = fs.readFileSync(resolved);
      } catch (e) {
        throw new MstfError('STORE', `run store ${resolved}: cannot read (${messageOf(e)})`);
      }
      // Bytes 18-19 say WAL (2) or rollback journal (1); an in-memory copy can only be read as the latter.
      if (bytes.length >= 20 && bytes[18] === 2) bytes[18] = bytes[19] = 1;
      try {
        db = new Database(bytes, { readonly: true });
        db.prepare('SELECT count(*) FROM sqlite_master').get();
      } catch (e) {
        throw new MstfError('STORE', `run store ${resolved}: cannot read (${messageOf(e)})`);
      }
      const wal = `${resolved}-wal`;
      if (fs.existsSync(wal) && fs.statSync(wal).size > 0) {
        warn(
          `mstf: warning: run store ${resolved}: its folder is read-only, so ${path.basename(wal)} (recent changes not yet checkpointed) is not read`,
        );
      }
    }
    try {
      const version = checkNotNewer(db, resolved);
      if (version < SCHEMA_VERSION) {
        db.close();
        return RunStore.open(resolved); // an old schema: upgrade it if the file can be written
      }
    } catch (e) {
      if (db.open) db.close();
      throw e;
    }
    return new RunStore(resolved, db);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  /** Raw handle for checks (PRAGMA integrity_check) and tests. */
  get database(): Database.Database {
    return this.db;
  }

  // ---- searches ---------------------------------------------------------------------------------

  /** A queued search; `options`: the extension options its numbers depend on (compared on every run). */
  createSearch(config: ResolvedSearchConfig, options?: Record<string, unknown>): string {
    const id = newSearchId();
    const t = now();
    const total = totalEvaluations(config);
    this.db
      .prepare(
        `INSERT INTO searches (id, created_at, updated_at, config, seed, status, generations, total, options)
         VALUES (?, ?, ?, ?, ?, 'queued', ?, ?, ?)`,
      )
      .run(
        id,
        t,
        t,
        JSON.stringify(config),
        config.seed,
        config.generations,
        total,
        options === undefined ? null : JSON.stringify(options),
      );
    return id;
  }

  getSearch(id: string): SearchRecord | undefined {
    const row = this.db.prepare(`${SEARCH_SELECT} WHERE s.id = ?`).get(id) as SearchRow | undefined;
    return row ? toSearch(row) : undefined;
  }

  /** The search or a NOT_FOUND error naming the id. */
  requireSearch(id: string): SearchRecord {
    const s = this.getSearch(id);
    if (!s) throw new MstfError('NOT_FOUND', `no search "${id}" in run store ${this.file}`);
    return s;
  }

  /** Newest first. */
  listSearches(): SearchRecord[] {
    const rows = this.db.prepare(`${SEARCH_SELECT} ORDER BY s.created_at DESC, s.id DESC`).all() as SearchRow[];
    return rows.map(toSearch);
  }

  /** Set the cancel flag; false when the search is already finished (nothing to cancel). */
  requestCancel(id: string): boolean {
    const s = this.requireSearch(id);
    if (s.status === 'completed' || s.status === 'failed' || s.status === 'cancelled') return false;
    this.db.prepare(`UPDATE searches SET cancel_requested = 1, updated_at = ? WHERE id = ?`).run(now(), id);
    return true;
  }

  isCancelRequested(id: string): boolean {
    const r = this.db.prepare(`SELECT cancel_requested FROM searches WHERE id = ?`).get(id) as
      | { cancel_requested: number }
      | undefined;
    return r?.cancel_requested === 1;
  }

  /**
   * Atomically take a search for this process: refuses a completed search and one that another live
   * process runs (`isAlive` decides). Clears the cancel flag and any previous error.
   */
  claimSearch(id: string, pid: number, isAlive: (s: SearchRecord) => boolean): SearchRecord {
    const claim = this.db.transaction(() => {
      const s = this.requireSearch(id);
      if (s.status === 'completed') {
        throw new MstfError('INVALID_ARGUMENT', `search ${id} is already completed`);
      }
      if (s.status === 'running' && s.pid !== pid && isAlive(s)) {
        throw new MstfError('INVALID_ARGUMENT', `search ${id} is running in process ${s.pid}`);
      }
      const t = now();
      this.db
        .prepare(
          `UPDATE searches SET status = 'running', pid = ?, heartbeat = ?, updated_at = ?, cancel_requested = 0,
             error = NULL, finished_at = NULL, started_at = COALESCE(started_at, ?) WHERE id = ?`,
        )
        .run(pid, t, t, t, id);
      return this.requireSearch(id);
    });
    return claim.immediate();
  }

  heartbeat(id: string): void {
    const t = now();
    this.db.prepare(`UPDATE searches SET heartbeat = ?, updated_at = ? WHERE id = ?`).run(t, t, id);
  }

  /** Final status (failed / cancelled; completed goes through saveResult). */
  finish(id: string, status: Exclude<SearchStatus, 'queued' | 'running'>, error: string | null = null): void {
    const t = now();
    this.db
      .prepare(`UPDATE searches SET status = ?, error = ?, updated_at = ?, finished_at = ?, heartbeat = ? WHERE id = ?`)
      .run(status, error, t, t, t, id);
  }

  // ---- candidates -------------------------------------------------------------------------------

  /** Store one evaluated (or reused) candidate and bump the progress counter; returns its row id. */
  recordCandidate(c: CandidateInput): number {
    const tx = this.db.transaction(() => {
      const t = now();
      const info = this.db
        .prepare(
          `INSERT INTO candidates (search_id, generation, idx, genotype, hash, state, degenerate, scores, flops,
             params, flags, details, error, ms, reused_from, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          c.searchId,
          c.generation,
          c.idx,
          c.genotype,
          c.hash,
          c.state,
          c.degenerate ? 1 : 0,
          toJson(c.scores),
          finiteOrNull(c.flops),
          finiteOrNull(c.params),
          JSON.stringify(c.flags),
          toJson(c.details ?? {}),
          c.error ?? null,
          c.ms,
          c.reusedFrom ?? null,
          t,
        );
      this.db
        .prepare(
          `UPDATE searches SET evaluated = (SELECT COUNT(*) FROM candidates WHERE search_id = ?),
             heartbeat = ?, updated_at = ? WHERE id = ?`,
        )
        .run(c.searchId, t, t, c.searchId);
      return Number(info.lastInsertRowid);
    });
    return tx.immediate();
  }

  /** Candidates of a search (of one generation when given), in (generation, idx) order. */
  candidates(searchId: string, generation?: number): CandidateRecord[] {
    const rows = (
      generation === undefined
        ? this.db.prepare(`SELECT * FROM candidates WHERE search_id = ? ORDER BY generation, idx`).all(searchId)
        : this.db
            .prepare(`SELECT * FROM candidates WHERE search_id = ? AND generation = ? ORDER BY idx`)
            .all(searchId, generation)
    ) as CandidateRow[];
    return rows.map(toCandidate);
  }

  candidate(id: number): CandidateRecord | undefined {
    const row = this.db.prepare(`SELECT * FROM candidates WHERE id = ?`).get(id) as CandidateRow | undefined;
    return row ? toCandidate(row) : undefined;
  }

  /** The first stored evaluation of a network in this search (for reuse instead of re-evaluation). */
  candidateByHash(searchId: string, hash: string): CandidateRecord | undefined {
    const row = this.db
      .prepare(`SELECT * FROM candidates WHERE search_id = ? AND hash = ? AND reused_from IS NULL ORDER BY id LIMIT 1`)
      .get(searchId, hash) as CandidateRow | undefined;
    return row ? toCandidate(row) : undefined;
  }

  // ---- generations and checkpoints --------------------------------------------------------------

  /** Pool, survivors, summary and the optimizer checkpoint of one generation, in ONE transaction. */
  commitGeneration(g: GenerationCommit): void {
    if (g.population) {
      const survived = g.members.filter((m) => m.survived).map((m) => m.candidateId);
      const population = new Set(g.population);
      if (survived.length !== g.population.length || survived.some((c) => !population.has(c))) {
        throw new MstfError(
          'INTERNAL',
          `search ${g.searchId} generation ${g.generation}: the pool's survivors are not the checkpoint's population`,
        );
      }
    }
    const tx = this.db.transaction(() => {
      const t = now();
      const insertMember = this.db.prepare(
        `INSERT INTO pool_members (search_id, generation, position, candidate_id, role, objectives, normalised,
           flagged, violation, survived, rank) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      g.members.forEach((m, position) => {
        insertMember.run(
          g.searchId,
          g.generation,
          position,
          m.candidateId,
          m.role,
          toJson(m.objectives),
          toJson(m.normalised),
          JSON.stringify(m.flagged),
          m.violation,
          m.survived ? 1 : 0,
          m.rank,
        );
      });
      this.db
        .prepare(`INSERT INTO generations (search_id, generation, created_at, ms, summary) VALUES (?, ?, ?, ?, ?)`)
        .run(g.searchId, g.generation, t, g.ms, toJson(g.summary));
      this.db
        .prepare(
          `INSERT INTO checkpoints (search_id, generation, state, population, created_at) VALUES (?, ?, ?, ?, ?)`,
        )
        .run(g.searchId, g.generation, toJson(g.checkpoint), g.population ? JSON.stringify(g.population) : null, t);
      this.db
        .prepare(`UPDATE searches SET generation = ?, heartbeat = ?, updated_at = ? WHERE id = ?`)
        .run(g.generation, t, t, g.searchId);
    });
    tx.immediate();
  }

  /**
   * The newest optimizer checkpoint, or undefined before the first generation ends: the optimizer's state and
   * (from schema 3) the candidate ids of its population in population() order.
   */
  latestCheckpoint(searchId: string): { generation: number; state: unknown; population?: number[] } | undefined {
    const row = this.db
      .prepare(
        `SELECT generation, state, population FROM checkpoints WHERE search_id = ? ORDER BY generation DESC LIMIT 1`,
      )
      .get(searchId) as { generation: number; state: string; population: string | null } | undefined;
    if (!row) return undefined;
    return {
      generation: row.generation,
      state: fromJson(row.state),
      ...(row.population !== null ? { population: JSON.parse(row.population) as number[] } : {}),
    };
  }

  /** One generation's merged pool in pool order, each with its candidate. */
  pool(searchId: string, generation: number): PoolMember[] {
    const rows = this.db
      .prepare(
        `SELECT p.*, c.id AS c_id FROM pool_members p JOIN candidates c ON c.id = p.candidate_id
         WHERE p.search_id = ? AND p.generation = ? ORDER BY p.position`,
      )
      .all(searchId, generation) as {
      generation: number;
      position: number;
      candidate_id: number;
      role: 'parent' | 'offspring';
      objectives: string;
      normalised: string;
      flagged: string;
      violation: number;
      survived: number;
      rank: number | null;
    }[];
    const cand = this.db.prepare(`SELECT * FROM candidates WHERE id = ?`);
    return rows.map((r) => ({
      generation: r.generation,
      position: r.position,
      candidateId: r.candidate_id,
      role: r.role,
      objectives: fromJson<number[]>(r.objectives),
      normalised: fromJson<Record<string, number>>(r.normalised),
      flagged: JSON.parse(r.flagged) as string[],
      violation: r.violation,
      survived: r.survived === 1,
      rank: r.rank,
      candidate: toCandidate(cand.get(r.candidate_id) as CandidateRow),
    }));
  }

  generations(searchId: string): GenerationSummary[] {
    const rows = this.db
      .prepare(`SELECT generation, created_at, ms, summary FROM generations WHERE search_id = ? ORDER BY generation`)
      .all(searchId) as { generation: number; created_at: string; ms: number; summary: string }[];
    return rows.map((r) => ({
      generation: r.generation,
      createdAt: r.created_at,
      ms: r.ms,
      summary: fromJson<Record<string, unknown>>(r.summary),
    }));
  }

  // ---- final result -----------------------------------------------------------------------------

  /** The final pick and Pareto front, and status `completed`, together. */
  saveResult(searchId: string, selected: ParetoEntry, pareto: ParetoEntry[]): void {
    const tx = this.db.transaction(() => {
      const t = now();
      this.db
        .prepare(
          `INSERT OR REPLACE INTO results (search_id, selected_candidate_id, selected, pareto, created_at)
           VALUES (?, ?, ?, ?, ?)`,
        )
        .run(searchId, selected.candidateId, toJson(selected), toJson(pareto), t);
      this.db
        .prepare(
          `UPDATE searches SET status = 'completed', error = NULL, updated_at = ?, finished_at = ?, heartbeat = ?
           WHERE id = ?`,
        )
        .run(t, t, t, searchId);
    });
    tx.immediate();
  }

  result(searchId: string): StoredResult | undefined {
    const row = this.db
      .prepare(`SELECT selected_candidate_id, selected, pareto, created_at FROM results WHERE search_id = ?`)
      .get(searchId) as
      | { selected_candidate_id: number; selected: string; pareto: string; created_at: string }
      | undefined;
    if (!row) return undefined;
    return {
      selectedCandidateId: row.selected_candidate_id,
      selected: fromJson<ParetoEntry>(row.selected),
      pareto: fromJson<ParetoEntry[]>(row.pareto),
      createdAt: row.created_at,
    };
  }

  // ---- trainings --------------------------------------------------------------------------------

  /** A training starts (or resumes): insert its row, or set a resumed one back to running. */
  startTraining(t: TrainingStart): void {
    const at = now();
    const searchId = t.searchId && this.getSearch(t.searchId) ? t.searchId : null;
    this.db
      .prepare(
        `INSERT INTO trainings (out_dir, id, search_id, member_hash, dataset, model, status, config, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, 'running', ?, ?, ?)
         ON CONFLICT(out_dir) DO UPDATE SET id = excluded.id, search_id = excluded.search_id, member_hash = excluded.member_hash,
           dataset = excluded.dataset, model = excluded.model, status = 'running', config = excluded.config, error = NULL,
           updated_at = excluded.updated_at`,
      )
      .run(
        t.outDir,
        t.id,
        searchId,
        t.memberHash ?? null,
        t.dataset,
        JSON.stringify(t.model),
        toJson(t.config),
        at,
        at,
      );
  }

  /** A training ended: completed (with its metrics), cancelled or failed (with the error line). */
  finishTraining(
    outDir: string,
    status: Exclude<TrainingStatus, 'running'>,
    opts: { metrics?: Record<string, unknown>; error?: string } = {},
  ): void {
    this.db
      .prepare(
        `UPDATE trainings SET status = ?, metrics = COALESCE(?, metrics), error = ?, updated_at = ? WHERE out_dir = ?`,
      )
      .run(status, opts.metrics ? toJson(opts.metrics) : null, opts.error ?? null, now(), outDir);
  }

  /** Trainings, newest first; of one search when `searchId` is given. */
  trainings(searchId?: string): TrainingRecord[] {
    const rows = (
      searchId === undefined
        ? this.db.prepare(`SELECT * FROM trainings ORDER BY created_at DESC, out_dir`).all()
        : this.db.prepare(`SELECT * FROM trainings WHERE search_id = ? ORDER BY created_at DESC, out_dir`).all(searchId)
    ) as TrainingRow[];
    return rows.map(toTraining);
  }
}

interface TrainingRow {
  out_dir: string;
  id: string;
  search_id: string | null;
  member_hash: string | null;
  dataset: string;
  model: string;
  status: TrainingStatus;
  config: string;
  metrics: string | null;
  error: string | null;
  created_at: string;
  updated_at: string;
}

function toTraining(r: TrainingRow): TrainingRecord {
  return {
    id: r.id,
    outDir: r.out_dir,
    searchId: r.search_id,
    memberHash: r.member_hash,
    dataset: r.dataset,
    model: JSON.parse(r.model) as Record<string, unknown>,
    status: r.status,
    config: fromJson<Record<string, unknown>>(r.config),
    metrics: r.metrics ? fromJson<Record<string, unknown>>(r.metrics) : null,
    error: r.error,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function toSearch(r: SearchRow): SearchRecord {
  const selected: SelectedArchitecture | null =
    r.sel_genotype !== null && r.sel_hash !== null
      ? {
          genotype: r.sel_genotype,
          hash: r.sel_hash,
          scores: fromJson<Record<string, number | null>>(r.sel_scores ?? '{}'),
          flops: r.sel_flops,
          params: r.sel_params,
        }
      : null;
  return {
    id: r.id,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    config: JSON.parse(r.config) as ResolvedSearchConfig,
    options: r.options === null ? null : fromJson<Record<string, unknown>>(r.options),
    seed: r.seed,
    status: r.status,
    pid: r.pid,
    heartbeat: r.heartbeat,
    generation: r.generation,
    generations: r.generations,
    evaluated: r.evaluated,
    total: r.total,
    error: r.error,
    selected,
    cancelRequested: r.cancel_requested === 1,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
  };
}

function toCandidate(r: CandidateRow): CandidateRecord {
  return {
    id: r.id,
    searchId: r.search_id,
    generation: r.generation,
    idx: r.idx,
    genotype: r.genotype,
    hash: r.hash,
    state: r.state,
    degenerate: r.degenerate === 1,
    scores: fromJson<Record<string, number | null>>(r.scores),
    flops: r.flops,
    params: r.params,
    flags: JSON.parse(r.flags) as string[],
    details: r.details ? fromJson<Record<string, unknown>>(r.details) : {},
    error: r.error,
    ms: r.ms,
    reusedFrom: r.reused_from,
    createdAt: r.created_at,
  };
}
