import type Database from 'better-sqlite3';
import { MstfError } from '../errors.js';

/**
 * The run store's schema, as an ordered list of migrations. `PRAGMA user_version` holds the number of
 * migrations applied; opening a store applies the missing ones in one IMMEDIATE transaction (so two
 * processes opening a fresh file at once cannot both migrate), and refuses a file written by a newer
 * mstf. Append a migration to change the schema; never edit one that has shipped.
 */
export interface Migration {
  version: number;
  description: string;
  sql: string;
  /** Columns the migration adds to existing tables (how an unversioned file shows it was applied). */
  columns?: readonly { table: string; column: string }[];
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'searches, candidates, generations, pool members, optimizer checkpoints, results',
    sql: `
CREATE TABLE searches (
  id               TEXT PRIMARY KEY,
  created_at       TEXT NOT NULL,
  updated_at       TEXT NOT NULL,
  config           TEXT NOT NULL,              -- resolved SearchConfig, JSON
  seed             INTEGER NOT NULL,
  status           TEXT NOT NULL CHECK (status IN ('queued','running','completed','failed','cancelled')),
  pid              INTEGER,
  heartbeat        TEXT,
  cancel_requested INTEGER NOT NULL DEFAULT 0,
  generation       INTEGER NOT NULL DEFAULT -1, -- last generation whose checkpoint is written
  generations      INTEGER NOT NULL,
  evaluated        INTEGER NOT NULL DEFAULT 0,
  total            INTEGER NOT NULL,
  error            TEXT,
  started_at       TEXT,
  finished_at      TEXT
);

-- One row per asked genotype: (generation, idx) is its place in that generation's ask().
CREATE TABLE candidates (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  search_id   TEXT NOT NULL REFERENCES searches(id) ON DELETE CASCADE,
  generation  INTEGER NOT NULL,
  idx         INTEGER NOT NULL,
  genotype    TEXT NOT NULL,
  hash        TEXT NOT NULL,
  state       TEXT NOT NULL CHECK (state IN ('ok','failed')),
  degenerate  INTEGER NOT NULL DEFAULT 0,
  scores      TEXT NOT NULL,                   -- raw scores by indicator id (null: failed / not computed), JSON
  flops       REAL,
  params      REAL,
  flags       TEXT NOT NULL DEFAULT '[]',      -- JSON array: degenerate, non-finite:<id>, failed:<id>
  details     TEXT,                            -- per-indicator details and timings, JSON
  error       TEXT,
  ms          REAL NOT NULL DEFAULT 0,          -- wall time of the evaluation
  reused_from INTEGER REFERENCES candidates(id),
  created_at  TEXT NOT NULL,
  UNIQUE (search_id, generation, idx)
);
CREATE INDEX candidates_by_hash ON candidates(search_id, hash);

-- Objectives are pool-relative (min-max over parents + offspring), so they live per generation.
CREATE TABLE pool_members (
  search_id    TEXT NOT NULL REFERENCES searches(id) ON DELETE CASCADE,
  generation   INTEGER NOT NULL,
  position     INTEGER NOT NULL,
  candidate_id INTEGER NOT NULL REFERENCES candidates(id),
  role         TEXT NOT NULL CHECK (role IN ('parent','offspring')),
  objectives   TEXT NOT NULL,                  -- F row (minimised), JSON
  normalised   TEXT NOT NULL,                  -- normalised indicator values, JSON
  flagged      TEXT NOT NULL,                  -- indicators replaced by the pool's worst, JSON
  violation    REAL NOT NULL,
  survived     INTEGER NOT NULL,
  rank         INTEGER,                        -- non-dominated rank within the survivors (0 = front)
  PRIMARY KEY (search_id, generation, position)
);

CREATE TABLE generations (
  search_id  TEXT NOT NULL REFERENCES searches(id) ON DELETE CASCADE,
  generation INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  ms         REAL NOT NULL,
  summary    TEXT NOT NULL,                    -- best raw score per indicator, front size..., JSON
  PRIMARY KEY (search_id, generation)
);

CREATE TABLE checkpoints (
  search_id  TEXT NOT NULL REFERENCES searches(id) ON DELETE CASCADE,
  generation INTEGER NOT NULL,
  state      TEXT NOT NULL,                    -- optimizer state() after this generation's tell, JSON
  created_at TEXT NOT NULL,
  PRIMARY KEY (search_id, generation)
);

-- Final pick and the final Pareto front (rank 0 of the last population).
CREATE TABLE results (
  search_id             TEXT PRIMARY KEY REFERENCES searches(id) ON DELETE CASCADE,
  selected_candidate_id INTEGER NOT NULL REFERENCES candidates(id),
  selected              TEXT NOT NULL,         -- the pick's pool row (objectives, normalised), JSON
  pareto                TEXT NOT NULL,         -- [{candidateId, objectives, normalised, violation}], JSON
  created_at            TEXT NOT NULL
);
`,
  },
  {
    version: 2,
    description: 'trainings (mstf train / MCP), linked to their search when trained from one',
    sql: `
-- One row per training output directory (a resumed training updates its row).
CREATE TABLE trainings (
  out_dir     TEXT PRIMARY KEY,               -- absolute path of the training's files
  id          TEXT NOT NULL,                  -- the training id (config.json)
  search_id   TEXT REFERENCES searches(id) ON DELETE SET NULL,
  member_hash TEXT,                           -- network hash of the search member trained
  dataset     TEXT NOT NULL,
  model       TEXT NOT NULL,                  -- what was trained (genotype + space + options, or a fixed model), JSON
  status      TEXT NOT NULL CHECK (status IN ('running','completed','cancelled','failed')),
  config      TEXT NOT NULL,                  -- config.json's config, JSON
  metrics     TEXT,                           -- final metrics (test, val, best epoch, history), JSON
  error       TEXT,
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL
);
CREATE INDEX trainings_by_search ON trainings(search_id);
`,
  },
  {
    version: 3,
    description: "checkpoints name their population's candidate rows (the optimizer's state is the one source)",
    sql: `
-- The candidate ids of the optimizer's population after this generation's tell, in population() order, JSON:
-- with \`state\` the whole optimizer state of the search (a resume reads its parents from here). NULL in checkpoints
-- written before schema 3; those resume by the genotypes of the state's population (see SearchService).
ALTER TABLE checkpoints ADD COLUMN population TEXT;
`,
    columns: [{ table: 'checkpoints', column: 'population' }],
  },
  {
    version: 4,
    description: 'searches record the extension options their numbers depend on (a resume must use the same)',
    sql: `
-- The options of the space, optimizer, objective, dataset and every score the search reads, after budget knobs,
-- by "<kind>.<id>", JSON with sorted keys (core/search/options-record.ts). NULL for searches created before
-- schema 4: those resume without the check.
ALTER TABLE searches ADD COLUMN options TEXT;
`,
    columns: [{ table: 'searches', column: 'options' }],
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/**
 * Bring `db` to `target` (default: the newest schema). Throws MstfError('STORE') when the file is newer
 * than this mstf knows. `target` exists for tests that build an old file.
 */
export function migrate(db: Database.Database, file: string, target = SCHEMA_VERSION): void {
  const apply = db.transaction(() => {
    const current = recognise(db, file, checkNotNewer(db, file));
    for (const m of MIGRATIONS) {
      if (m.version <= current || m.version > target) continue;
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    }
  });
  apply.immediate();
}

/** The file's schema version; MstfError('STORE') when a newer mstf wrote it. */
export function checkNotNewer(db: Database.Database, file: string): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > SCHEMA_VERSION) {
    throw new MstfError(
      'STORE',
      `run store ${file}: schema version ${current} is newer than this mstf supports (${SCHEMA_VERSION}); upgrade mstf-nas`,
    );
  }
  return current;
}

/** Tables a migration creates (`CREATE TABLE name`). */
function tablesOf(m: Migration): string[] {
  return [...m.sql.matchAll(/CREATE TABLE (?:IF NOT EXISTS )?(\w+)/gi)].map((x) => x[1]!);
}

/**
 * A file with mstf tables but `user_version = 0` (restored from `sqlite3 .dump`, which does not keep the version,
 * or written before the version was kept): its version is the last migration whose tables all exist, written
 * back so the remaining migrations apply. Tables of a later migration present without its predecessors' is a
 * file mstf did not write: refused rather than guessed.
 */
function recognise(db: Database.Database, file: string, current: number): number {
  if (current !== 0) return current;
  const existing = new Set(
    (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as { name: string }[]).map((r) => r.name),
  );
  const ours = MIGRATIONS.flatMap(tablesOf);
  if (!ours.some((t) => existing.has(t))) return 0; // a new (or foreign, table-free) file
  const hasColumn = (table: string, column: string) =>
    existing.has(table) &&
    (db.prepare(`SELECT name FROM pragma_table_info(?)`).all(table) as { name: string }[]).some(
      (c) => c.name === column,
    );
  let version = 0;
  for (const m of MIGRATIONS) {
    if (!tablesOf(m).every((t) => existing.has(t))) break;
    if (!(m.columns ?? []).every((c) => hasColumn(c.table, c.column))) break;
    version = m.version;
  }
  const stray = MIGRATIONS.filter((m) => m.version > version)
    .flatMap(tablesOf)
    .filter((t) => existing.has(t));
  if (version === 0 || stray.length > 0) {
    throw new MstfError(
      'STORE',
      `run store ${file}: has some mstf tables (${ours.filter((t) => existing.has(t)).join(', ')}) but no schema version; not a store mstf can upgrade`,
    );
  }
  db.pragma(`user_version = ${version}`);
  return version;
}
