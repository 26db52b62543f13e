import type { DatabaseSync, SQLInputValue } from "node:sqlite";
import { ValidibotError } from "@validibot/contracts";
import { fromRow, toRow } from "../store/sql-tables";
import { mapSqliteError } from "../store/sqlite-errors";
import { migrateSqlite } from "../store/sqlite-migrations";
import { SQLITE_TOKEN_MIGRATIONS, TOKEN_MIGRATIONS_LEDGER } from "./token-migrations";
import { API_TOKENS, parseInstantText, parseTokenRecord } from "./token-record";
import type { ApiTokenRecord, ListTokensOptions, TokenStore } from "./types";

/** Options of `SqliteTokenStore`. */
export interface SqliteTokenStoreOptions {
  /**
   * The database file (created if absent): the run store's own file is fine, the tables and
   * their migration ledger are separate. `":memory:"` for a private in-memory database.
   */
  path: string;
  /** How long a write waits for another connection's transaction. Default: 5000 ms. */
  busyTimeoutMs?: number;
}

/** A `TokenStore` on `node:sqlite`, beside (or in the same file as) `SqliteRunStore`. */
export class SqliteTokenStore implements TokenStore {
  readonly #path: string;
  readonly #busyTimeoutMs: number;
  #db: DatabaseSync | null = null;
  #closed = false;

  constructor(options: SqliteTokenStoreOptions) {
    if (typeof options?.path !== "string" || options.path === "") {
      throw new ValidibotError("invalid_request", 'SqliteTokenStore needs a path (or ":memory:")');
    }
    this.#path = options.path;
    this.#busyTimeoutMs = options.busyTimeoutMs ?? 5000;
  }

  /** Opens the database (WAL, busy timeout) and applies the token migrations. */
  async init(): Promise<void> {
    const { DatabaseSync } = await import("node:sqlite");
    if (this.#closed) throw new ValidibotError("store_unavailable", "the token store is closed");
    if (!this.#db) {
      const db = new DatabaseSync(this.#path);
      try {
        db.exec(`PRAGMA busy_timeout = ${this.#busyTimeoutMs}`);
        db.exec("PRAGMA journal_mode = WAL");
      } catch (error) {
        db.close();
        throw mapSqliteError(error, "opening the token store");
      }
      this.#db = db;
    }
    try {
      migrateSqlite(this.#db, SQLITE_TOKEN_MIGRATIONS, TOKEN_MIGRATIONS_LEDGER);
    } catch (error) {
      throw mapSqliteError(error, "migrating the token store");
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    const db = this.#db;
    this.#db = null;
    if (db?.isOpen) db.close();
  }

  async insertToken(record: ApiTokenRecord): Promise<void> {
    const stored = parseTokenRecord(record);
    const marks = API_TOKENS.columns.map(() => "?").join(", ");
    this.#do("storing an API token", (db) =>
      db
        .prepare(`INSERT INTO api_tokens (${API_TOKENS.columns.join(", ")}) VALUES (${marks})`)
        .run(...toRow(API_TOKENS, stored)),
    );
  }

  async getToken(id: string): Promise<ApiTokenRecord | null> {
    const row = this.#do("reading an API token", (db) =>
      db.prepare("SELECT * FROM api_tokens WHERE id = ?").get(id),
    );
    return row ? fromRow<ApiTokenRecord>(API_TOKENS, row) : null;
  }

  async listTokens(options: ListTokensOptions = {}): Promise<ApiTokenRecord[]> {
    const params: SQLInputValue[] = [];
    let filter = "";
    if (options.orgId !== undefined) {
      filter = "WHERE org_id = ?";
      params.push(options.orgId);
    }
    const rows = this.#do("listing API tokens", (db) =>
      db.prepare(`SELECT * FROM api_tokens ${filter} ORDER BY created_at, id`).all(...params),
    );
    return rows.map((row) => fromRow<ApiTokenRecord>(API_TOKENS, row));
  }

  async revokeToken(id: string, at: string): Promise<ApiTokenRecord | null> {
    const instant = parseInstantText(at, "revoked_at");
    this.#do("revoking an API token", (db) =>
      db
        .prepare("UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")
        .run(instant, id),
    );
    return this.getToken(id);
  }

  #do<T>(what: string, fn: (db: DatabaseSync) => T): T {
    if (!this.#db) {
      throw new ValidibotError(
        "store_unavailable",
        this.#closed ? "the token store is closed" : "call init() before using the token store",
      );
    }
    try {
      return fn(this.#db);
    } catch (error) {
      throw mapSqliteError(error, what);
    }
  }
}
