import type { DatabaseSync } from "node:sqlite";
import { ValidibotError } from "@validibot/contracts";

/** One numbered schema change; applied once, in order, inside a transaction. */
export interface SqliteMigration {
  version: number;
  name: string;
  sql: string;
}

const RUN_STATUSES = "'PENDING','RUNNING','SUCCEEDED','FAILED','CANCELED','TIMED_OUT'";

/** The SQLite schema, as numbered migrations. Append only: never edit a released one. */
export const SQLITE_MIGRATIONS: readonly SqliteMigration[] = [
  {
    version: 1,
    name: "runs, attempts, receipts and results",
    sql: `
CREATE TABLE runs (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL,
  org_name TEXT NOT NULL,
  workflow_id TEXT NOT NULL,
  step_id TEXT NOT NULL,
  step_name TEXT,
  step_run_id TEXT NOT NULL,
  validator_id TEXT NOT NULL,
  validator_type TEXT NOT NULL,
  validator_version TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN (${RUN_STATUSES})),
  error_category TEXT,
  error_message TEXT,
  result_status TEXT,
  inputs TEXT NOT NULL,
  files TEXT NOT NULL,
  tags TEXT NOT NULL,
  current_attempt_id TEXT,
  attempt_count INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  started_at TEXT,
  finished_at TEXT,
  deadline_at TEXT
) STRICT;
CREATE INDEX runs_created_idx ON runs (created_at, id);
CREATE INDEX runs_status_created_idx ON runs (status, created_at, id);
CREATE INDEX runs_status_deadline_idx ON runs (status, deadline_at, id);

CREATE TABLE attempts (
  id TEXT PRIMARY KEY,
  run_id TEXT NOT NULL REFERENCES runs (id),
  number INTEGER NOT NULL,
  status TEXT NOT NULL,
  callback_id TEXT NOT NULL UNIQUE,
  nonce_commitment TEXT NOT NULL,
  bundle_uri TEXT NOT NULL,
  input_uri TEXT NOT NULL,
  output_uri TEXT NOT NULL,
  input_sha256 TEXT NOT NULL,
  timeout_seconds INTEGER NOT NULL,
  launcher TEXT,
  execution_ref TEXT,
  launch_error TEXT,
  stdout_tail TEXT,
  stderr_tail TEXT,
  created_at TEXT NOT NULL,
  launched_at TEXT,
  finished_at TEXT,
  UNIQUE (run_id, number)
) STRICT;

CREATE TABLE callback_receipts (
  callback_id TEXT PRIMARY KEY REFERENCES attempts (callback_id),
  run_id TEXT NOT NULL REFERENCES runs (id),
  attempt_id TEXT NOT NULL REFERENCES attempts (id),
  state TEXT NOT NULL CHECK (state IN ('processing', 'processed')),
  outcome TEXT,
  claimed_at TEXT NOT NULL,
  processed_at TEXT
) STRICT;

CREATE TABLE findings (
  run_id TEXT NOT NULL REFERENCES runs (id),
  attempt_id TEXT NOT NULL REFERENCES attempts (id),
  seq INTEGER NOT NULL,
  id TEXT NOT NULL,
  severity TEXT NOT NULL CHECK (severity IN ('INFO', 'WARNING', 'ERROR')),
  code TEXT,
  message TEXT NOT NULL,
  location TEXT,
  tags TEXT NOT NULL,
  PRIMARY KEY (run_id, attempt_id, seq)
) STRICT;

CREATE TABLE metrics (
  run_id TEXT NOT NULL REFERENCES runs (id),
  attempt_id TEXT NOT NULL REFERENCES attempts (id),
  seq INTEGER NOT NULL,
  name TEXT NOT NULL,
  value TEXT NOT NULL,
  unit TEXT,
  category TEXT,
  tags TEXT NOT NULL,
  PRIMARY KEY (run_id, attempt_id, seq)
) STRICT;

CREATE TABLE artifacts (
  run_id TEXT NOT NULL REFERENCES runs (id),
  attempt_id TEXT NOT NULL REFERENCES attempts (id),
  seq INTEGER NOT NULL,
  name TEXT NOT NULL,
  type TEXT NOT NULL,
  mime_type TEXT,
  size_bytes INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  uri TEXT NOT NULL,
  storage_version TEXT NOT NULL,
  PRIMARY KEY (run_id, attempt_id, seq)
) STRICT;
`,
  },
  {
    version: 2,
    name: "the trace id of each run",
    sql: "ALTER TABLE runs ADD COLUMN trace_id TEXT;",
  },
  {
    version: 3,
    name: "rulesets and assertion results of runs",
    sql: `
ALTER TABLE runs ADD COLUMN rulesets TEXT NOT NULL DEFAULT '[]';
ALTER TABLE runs ADD COLUMN ruleset_sha256 TEXT;
ALTER TABLE runs ADD COLUMN assertion_results TEXT NOT NULL DEFAULT '[]';
`,
  },
];

/**
 * Brings the database to the newest schema: in one `BEGIN IMMEDIATE` transaction, so two
 * instances starting on one file apply each migration once. Refuses a database that a newer
 * SDK already migrated further. `ledger` is the table that records applied versions (default
 * `schema_migrations`): each schema sharing one file (runs, access tokens) keeps its own.
 */
export function migrateSqlite(
  db: DatabaseSync,
  migrations = SQLITE_MIGRATIONS,
  ledger = "schema_migrations",
): void {
  db.exec("BEGIN IMMEDIATE");
  try {
    db.exec(`CREATE TABLE IF NOT EXISTS ${ledger} (
      version INTEGER PRIMARY KEY,
      name TEXT NOT NULL,
      applied_at TEXT NOT NULL
    ) STRICT`);
    const applied = new Set(
      db
        .prepare(`SELECT version FROM ${ledger}`)
        .all()
        .map((row) => Number(row.version)),
    );
    const known = Math.max(0, ...migrations.map((m) => m.version));
    const newest = Math.max(0, ...applied);
    if (newest > known) {
      throw new ValidibotError(
        "store_unavailable",
        `the database has schema version ${newest}; this SDK knows up to ${known}`,
      );
    }
    const record = db.prepare(`INSERT INTO ${ledger} (version, name, applied_at) VALUES (?, ?, ?)`);
    for (const migration of migrations) {
      if (applied.has(migration.version)) continue;
      db.exec(migration.sql);
      record.run(migration.version, migration.name, new Date().toISOString());
    }
    db.exec("COMMIT");
  } catch (error) {
    db.exec("ROLLBACK");
    throw error;
  }
}
