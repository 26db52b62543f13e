import type { PostgresMigration } from "../store/postgres-migrations";
import type { SqliteMigration } from "../store/sqlite-migrations";

/**
 * The table recording which token-store migrations ran: its own ledger, so the token tables can
 * share a database (and a PostgreSQL schema) with the run store without their versions colliding.
 */
export const TOKEN_MIGRATIONS_LEDGER = "access_migrations";

/** The SQLite schema of the token store. Append only: never edit a released migration. */
export const SQLITE_TOKEN_MIGRATIONS: readonly SqliteMigration[] = [
  {
    version: 1,
    name: "api tokens",
    sql: `
CREATE TABLE api_tokens (
  id TEXT PRIMARY KEY,
  token_sha256 TEXT NOT NULL,
  name TEXT NOT NULL,
  org_id TEXT NOT NULL,
  org_name TEXT NOT NULL,
  scopes TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT,
  revoked_at TEXT
) STRICT;
CREATE INDEX api_tokens_org_idx ON api_tokens (org_id, created_at, id);
`,
  },
];

/** The PostgreSQL schema of the token store. Append only: never edit a released migration. */
export const POSTGRES_TOKEN_MIGRATIONS: readonly PostgresMigration[] = [
  {
    version: 1,
    name: "api tokens",
    sql: (s) => `
CREATE TABLE ${s}.api_tokens (
  id text PRIMARY KEY,
  token_sha256 text NOT NULL,
  name text NOT NULL,
  org_id text NOT NULL,
  org_name text NOT NULL,
  scopes text NOT NULL,
  created_at timestamptz NOT NULL,
  expires_at timestamptz,
  revoked_at timestamptz
);
CREATE INDEX api_tokens_org_idx ON ${s}.api_tokens (org_id, created_at, id);
`,
  },
];
