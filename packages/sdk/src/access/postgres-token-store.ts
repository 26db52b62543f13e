import { ValidibotError } from "@validibot/contracts";
import type { Pool, PoolClient } from "pg";
import { loadPg, mapPgError } from "../store/postgres-driver";
import { migratePostgres } from "../store/postgres-migrations";
import { fromRow, toRow } from "../store/sql-tables";
import { POSTGRES_TOKEN_MIGRATIONS, TOKEN_MIGRATIONS_LEDGER } from "./token-migrations";
import { API_TOKENS, parseInstantText, parseTokenRecord } from "./token-record";
import type { ApiTokenRecord, ListTokensOptions, TokenStore } from "./types";

/** Options of `PostgresTokenStore`: as `PostgresRunStore`'s, and the same schema is fine. */
export type PostgresTokenStoreOptions = (
  | {
      /** A libpq connection string; the store opens (and on `close()` ends) a small pool. */
      connectionString: string;
    }
  | {
      /** A pool the host owns; `close()` leaves it open. */
      pool: Pool;
    }
) & {
  /** The schema of the table, created if absent. Default: `validibot`. */
  schema?: string;
};

const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,47}$/;
const ISO = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;
const SELECT = API_TOKENS.columns
  .map((column) =>
    API_TOKENS.instants.has(column)
      ? `to_char(${column} AT TIME ZONE 'UTC', ${ISO}) AS ${column}`
      : column,
  )
  .join(", ");

/** A `TokenStore` on PostgreSQL (`pg`, loaded by `init()`), for hosts that run as several instances. */
export class PostgresTokenStore implements TokenStore {
  readonly #options: PostgresTokenStoreOptions;
  readonly #schema: string;
  readonly #s: string;
  #pool: Pool | null = null;
  #closed = false;

  constructor(options: PostgresTokenStoreOptions) {
    const schema = options?.schema ?? "validibot";
    if (!SCHEMA_NAME.test(schema)) {
      throw new ValidibotError(
        "invalid_request",
        "schema must be 1-48 letters, digits or '_', not starting with a digit",
      );
    }
    const hasPool = "pool" in options && options.pool !== undefined;
    const hasUrl = "connectionString" in options && typeof options.connectionString === "string";
    if (hasPool === hasUrl) {
      throw new ValidibotError(
        "invalid_request",
        "PostgresTokenStore needs exactly one of connectionString or pool",
      );
    }
    this.#options = options;
    this.#schema = schema;
    this.#s = `"${schema}"`;
  }

  /** Loads `pg`, connects and applies the token migrations (under an advisory lock). */
  async init(): Promise<void> {
    if (this.#closed) throw new ValidibotError("store_unavailable", "the token store is closed");
    if (!this.#pool) {
      if ("pool" in this.#options) this.#pool = this.#options.pool;
      else {
        const pg = await loadPg();
        const pool = new pg.Pool({ connectionString: this.#options.connectionString, max: 4 });
        pool.on("error", () => undefined);
        this.#pool = pool;
      }
    }
    let client: PoolClient;
    try {
      client = await this.#pool.connect();
    } catch (error) {
      throw mapPgError(error, "connecting to PostgreSQL");
    }
    let broken: Error | undefined;
    try {
      await migratePostgres(
        client,
        this.#schema,
        this.#s,
        POSTGRES_TOKEN_MIGRATIONS,
        TOKEN_MIGRATIONS_LEDGER,
      );
    } catch (error) {
      broken = error instanceof Error ? error : undefined;
      throw mapPgError(error, "migrating the token store");
    } finally {
      client.release(broken);
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#pool && !("pool" in this.#options)) await this.#pool.end();
  }

  async insertToken(record: ApiTokenRecord): Promise<void> {
    const stored = parseTokenRecord(record);
    const marks = API_TOKENS.columns.map((_, i) => `$${i + 1}`).join(", ");
    await this.#query(
      "storing an API token",
      `INSERT INTO ${this.#s}.api_tokens (${API_TOKENS.columns.join(", ")}) VALUES (${marks})`,
      toRow(API_TOKENS, stored),
    );
  }

  async getToken(id: string): Promise<ApiTokenRecord | null> {
    const rows = await this.#query(
      "reading an API token",
      `SELECT ${SELECT} FROM ${this.#s}.api_tokens WHERE id = $1`,
      [id],
    );
    const row = rows[0];
    return row ? fromRow<ApiTokenRecord>(API_TOKENS, row) : null;
  }

  async listTokens(options: ListTokensOptions = {}): Promise<ApiTokenRecord[]> {
    const byOrg = options.orgId !== undefined;
    const rows = await this.#query(
      "listing API tokens",
      `SELECT ${SELECT} FROM ${this.#s}.api_tokens ${byOrg ? "WHERE org_id = $1" : ""}
       ORDER BY created_at, id`,
      byOrg ? [options.orgId as string] : [],
    );
    return rows.map((row) => fromRow<ApiTokenRecord>(API_TOKENS, row));
  }

  async revokeToken(id: string, at: string): Promise<ApiTokenRecord | null> {
    const instant = parseInstantText(at, "revoked_at");
    await this.#query(
      "revoking an API token",
      `UPDATE ${this.#s}.api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL`,
      [instant, id],
    );
    return this.getToken(id);
  }

  async #query(what: string, sql: string, params: unknown[]): Promise<Record<string, unknown>[]> {
    if (!this.#pool || this.#closed) {
      throw new ValidibotError(
        "store_unavailable",
        this.#closed ? "the token store is closed" : "call init() before using the token store",
      );
    }
    try {
      return (await this.#pool.query(sql, params)).rows;
    } catch (error) {
      throw mapPgError(error, what);
    }
  }
}
