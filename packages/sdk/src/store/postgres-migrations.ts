import { ValidibotError } from "@validibot/contracts";
import type { PoolClient } from "pg";

/** One numbered schema change for PostgreSQL; `sql` gets the quoted schema name. */
export interface PostgresMigration {
  version: number;
  name: string;
  sql: (schema: string) => string;
}

const RUN_STATUSES = "'PENDING','RUNNING','SUCCEEDED','FAILED','CANCELED','TIMED_OUT'";

/** The PostgreSQL schema, as numbered migrations. Append only: never edit a released one. */
export const POSTGRES_MIGRATIONS: readonly PostgresMigration[] = [
  {
    version: 1,
    name: "runs, attempts, receipts and results",
    sql: (s) => `
CREATE TABLE ${s}.runs (
  id text PRIMARY KEY,
  org_id text NOT NULL,
  org_name text NOT NULL,
  workflow_id text NOT NULL,
  step_id text NOT NULL,
  step_name text,
  step_run_id text NOT NULL,
  validator_id text NOT NULL,
  validator_type text NOT NULL,
  validator_version text NOT NULL,
  status text NOT NULL CHECK (status IN (${RUN_STATUSES})),
  error_category text,
  error_message text,
  result_status text,
  inputs text NOT NULL,
  files text NOT NULL,
  tags text NOT NULL,
  current_attempt_id text,
  attempt_count integer NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  started_at timestamptz,
  finished_at timestamptz,
  deadline_at timestamptz
);
CREATE INDEX runs_created_idx ON ${s}.runs (created_at, id);
CREATE INDEX runs_status_created_idx ON ${s}.runs (status, created_at, id);
CREATE INDEX runs_status_deadline_idx ON ${s}.runs (status, deadline_at, id);

CREATE TABLE ${s}.attempts (
  id text PRIMARY KEY,
  run_id text NOT NULL REFERENCES ${s}.runs (id),
  number integer NOT NULL,
  status text NOT NULL,
  callback_id text NOT NULL UNIQUE,
  nonce_commitment text NOT NULL,
  bundle_uri text NOT NULL,
  input_uri text NOT NULL,
  output_uri text NOT NULL,
  input_sha256 text NOT NULL,
  timeout_seconds integer NOT NULL,
  launcher text,
  execution_ref text,
  launch_error text,
  stdout_tail text,
  stderr_tail text,
  created_at timestamptz NOT NULL,
  launched_at timestamptz,
  finished_at timestamptz,
  UNIQUE (run_id, number)
);

CREATE TABLE ${s}.callback_receipts (
  callback_id text PRIMARY KEY REFERENCES ${s}.attempts (callback_id),
  run_id text NOT NULL REFERENCES ${s}.runs (id),
  attempt_id text NOT NULL REFERENCES ${s}.attempts (id),
  state text NOT NULL CHECK (state IN ('processing', 'processed')),
  outcome text,
  claimed_at timestamptz NOT NULL,
  processed_at timestamptz
);

CREATE TABLE ${s}.findings (
  run_id text NOT NULL REFERENCES ${s}.runs (id),
  attempt_id text NOT NULL REFERENCES ${s}.attempts (id),
  seq integer NOT NULL,
  id text NOT NULL,
  severity text NOT NULL CHECK (severity IN ('INFO', 'WARNING', 'ERROR')),
  code text,
  message text NOT NULL,
  location text,
  tags text NOT NULL,
  PRIMARY KEY (run_id, attempt_id, seq)
);

CREATE TABLE ${s}.metrics (
  run_id text NOT NULL REFERENCES ${s}.runs (id),
  attempt_id text NOT NULL REFERENCES ${s}.attempts (id),
  seq integer NOT NULL,
  name text NOT NULL,
  value text NOT NULL,
  unit text,
  category text,
  tags text NOT NULL,
  PRIMARY KEY (run_id, attempt_id, seq)
);

CREATE TABLE ${s}.artifacts (
  run_id text NOT NULL REFERENCES ${s}.runs (id),
  attempt_id text NOT NULL REFERENCES ${s}.attempts (id),
  seq integer NOT NULL,
  name text NOT NULL,
  type text NOT NULL,
  mime_type text,
  size_bytes bigint NOT NULL,
  sha256 text NOT NULL,
  uri text NOT NULL,
  storage_version text NOT NULL,
  PRIMARY KEY (run_id, attempt_id, seq)
);
`,
  },
  {
    version: 2,
    name: "the trace id of each run",
    sql: (s) => `ALTER TABLE ${s}.runs ADD COLUMN trace_id text;`,
  },
  {
    version: 3,
    name: "rulesets and assertion results of runs",
    sql: (s) => `
ALTER TABLE ${s}.runs ADD COLUMN rulesets text NOT NULL DEFAULT '[]';
ALTER TABLE ${s}.runs ADD COLUMN ruleset_sha256 text;
ALTER TABLE ${s}.runs ADD COLUMN assertion_results text NOT NULL DEFAULT '[]';
`,
  },
];

/**
 * Brings `schema` to the newest version in one transaction holding a transaction-level
 * advisory lock keyed by the schema's name: of several instances starting at once, one
 * applies the migrations and the others wait, then find nothing left to do. `ledger` is the
 * table that records applied versions (default `schema_migrations`): each set of tables sharing
 * one schema (runs, access tokens) keeps its own.
 */
export async function migratePostgres(
  client: PoolClient,
  schema: string,
  quotedSchema: string,
  migrations = POSTGRES_MIGRATIONS,
  ledger = "schema_migrations",
): Promise<void> {
  await client.query("BEGIN");
  try {
    await client.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`validibot:${schema}`]);
    // Checked first: CREATE SCHEMA IF NOT EXISTS needs the CREATE right even when it exists.
    const exists = await client.query("SELECT 1 FROM pg_namespace WHERE nspname = $1", [schema]);
    if (exists.rowCount === 0) await client.query(`CREATE SCHEMA ${quotedSchema}`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${quotedSchema}.${ledger} (
      version integer PRIMARY KEY,
      name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const result = await client.query<{ version: number }>(
      `SELECT version FROM ${quotedSchema}.${ledger}`,
    );
    const applied = new Set(result.rows.map((row) => Number(row.version)));
    const known = Math.max(0, ...migrations.map((m) => m.version));
    const newest = Math.max(0, ...applied);
    if (newest > known) {
      throw new ValidibotError(
        "store_unavailable",
        `schema ${schema} has version ${newest}; this SDK knows up to ${known}`,
      );
    }
    for (const migration of migrations) {
      if (applied.has(migration.version)) continue;
      await client.query(migration.sql(quotedSchema));
      await client.query(`INSERT INTO ${quotedSchema}.${ledger} (version, name) VALUES ($1, $2)`, [
        migration.version,
        migration.name,
      ]);
    }
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  }
}
