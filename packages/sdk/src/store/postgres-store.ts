import { type RunStatus, ValidibotError } from "@validibot/contracts";
import type { Pool, PoolClient } from "pg";
import type {
  ArtifactRecord,
  AttemptRecord,
  CallbackReceipt,
  FindingRecord,
  MetricRecord,
  RunRecord,
} from "../model";
import { decodeCursor, encodeCursor } from "./cursor";
import { dueFirst } from "./due-order";
import { isRetryablePgError, loadPg, mapPgError } from "./postgres-driver";
import { PostgresChangeListener } from "./postgres-listener";
import { migratePostgres } from "./postgres-migrations";
import { RunChangeListeners } from "./run-change-listeners";
import {
  ARTIFACTS,
  ATTEMPTS,
  FINDINGS,
  fromRow,
  METRICS,
  patchEntries,
  RECEIPTS,
  RUNS,
  type SqlValue,
  type TableSpec,
  toRow,
} from "./sql-tables";
import type {
  CallbackCompletion,
  ClaimResult,
  ListRunsOptions,
  RunChange,
  RunListPage,
  RunStore,
} from "./types";
import {
  ACTIVE_RUN_STATUSES,
  keepAttemptIdentity,
  parseAttempt,
  parseAttemptPatch,
  parseCompletion,
  parseId,
  parseInstant,
  parseLimit,
  parseRun,
  parseRunPatch,
  parseStaleAfter,
  parseStatuses,
} from "./validate";

/** Options of `PostgresRunStore`: where the database is, and which schema holds the tables. */
export type PostgresRunStoreOptions = (
  | {
      /** A libpq connection string; the store opens (and on `close()` ends) its own pool. */
      connectionString: string;
      /** Size of the store's own pool. Default: 10. */
      maxConnections?: number;
    }
  | {
      /**
       * A pool the host owns; `close()` leaves it open. One of its connections is held for
       * LISTEN while `onRunChanged` has been used, so size it one larger than usual.
       */
      pool: PgPoolLike;
    }
) & {
  /**
   * The schema of the tables, created if absent. Default: `validibot`, so the tables never
   * collide with the host's own; tests use a fresh schema each. Letters, digits, `_`; 48 at most.
   */
  schema?: string;
};

/**
 * What `PostgresRunStore` needs of a host's pool: a `pg.Pool` (from the optional peer `pg`) fits.
 * Typed structurally so that hosts without `pg` type-check the package's declarations.
 */
export interface PgPoolLike {
  connect(): Promise<unknown>;
  end(): Promise<void>;
}

type Row = Record<string, unknown>;

const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,47}$/;
const MAX_TRANSACTION_TRIES = 3;
const ISO_FORMAT = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;

/** `column`, or for an instant its ISO 8601 text in UTC (whatever the session's time zone). */
function selectList(table: TableSpec, alias = ""): string {
  const prefix = alias ? `${alias}.` : "";
  return table.columns
    .map((column) =>
      table.instants.has(column)
        ? `to_char(${prefix}${column} AT TIME ZONE 'UTC', ${ISO_FORMAT}) AS ${column}`
        : `${prefix}${column}`,
    )
    .join(", ");
}

function placeholders(count: number, from = 1): string {
  return Array.from({ length: count }, (_, i) => `$${i + from}`).join(", ");
}

/**
 * A `RunStore` on PostgreSQL (`pg`, an optional peer dependency loaded by `init()`), for hosts
 * that run as several instances. The database does the concurrency: receipts are claimed with
 * `INSERT ... ON CONFLICT DO NOTHING`, a callback completes in one transaction holding the run's
 * row lock, overdue runs are taken with `FOR NO KEY UPDATE SKIP LOCKED`, and migrations run
 * under an advisory lock. Every run status change sends a NOTIFY in its own transaction, which
 * `onRunChanged` receives on any instance.
 */
export class PostgresRunStore implements RunStore {
  readonly #options: PostgresRunStoreOptions;
  readonly #schema: string;
  readonly #s: string;
  readonly #channel: string;
  readonly #listeners = new RunChangeListeners();
  #pool: Pool | null = null;
  #ownsPool = false;
  #starting: Promise<Pool> | null = null;
  #listener: PostgresChangeListener | null = null;
  #closed = false;

  constructor(options: PostgresRunStoreOptions) {
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
        "PostgresRunStore needs exactly one of connectionString or pool",
      );
    }
    this.#options = options;
    this.#schema = schema;
    this.#s = `"${schema}"`;
    this.#channel = `${schema}.run_changed`;
  }

  /** Loads `pg`, connects, and applies pending migrations (once, across instances). */
  async init(): Promise<void> {
    const pool = await this.#start();
    let client: PoolClient;
    try {
      client = await pool.connect();
    } catch (error) {
      throw mapPgError(error, "connecting to PostgreSQL");
    }
    let broken: Error | undefined;
    try {
      await migratePostgres(client, this.#schema, this.#s);
    } catch (error) {
      broken = error instanceof Error ? error : undefined;
      throw mapPgError(error, "migrating the run store");
    } finally {
      client.release(broken);
    }
    if (this.#listeners.size > 0) this.#listen(pool).start();
  }

  /** Stops listening and ends the store's own pool (a pool passed in stays open). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#listeners.clear();
    this.#listener?.stop();
    const pool = this.#pool ?? (await this.#starting?.catch(() => null)) ?? null;
    if (pool && this.#ownsPool) await pool.end();
  }

  async createRun(run: RunRecord, attempt: AttemptRecord): Promise<void> {
    const stored = parseRun(run);
    const first = parseAttempt(attempt);
    if (first.run_id !== stored.id) {
      throw new ValidibotError("invalid_request", "invalid attempt: run_id is not the run's id");
    }
    stored.current_attempt_id = first.id;
    stored.attempt_count = 1;
    await this.#tx("creating a run", async (c) => {
      await c.query(this.#insert(RUNS), toRow(RUNS, stored));
      await c.query(this.#insert(ATTEMPTS), toRow(ATTEMPTS, first));
      await this.#notify(c, stored);
    });
  }

  async getRun(id: string): Promise<RunRecord | null> {
    return this.#one(RUNS, `SELECT ${selectList(RUNS)} FROM ${this.#s}.runs WHERE id = $1`, [id]);
  }

  async listRuns(options: ListRunsOptions = {}): Promise<RunListPage> {
    const limit = parseLimit(options.limit, 50);
    const where: string[] = [];
    const params: SqlValue[] = [];
    if (options.status !== undefined) {
      params.push(...parseStatuses([options.status], "status"));
      where.push(`status = $${params.length}`);
    }
    if (options.orgId !== undefined) {
      params.push(parseId(options.orgId, "orgId"));
      where.push(`org_id = $${params.length}`);
    }
    if (options.cursor !== undefined) {
      const after = decodeCursor(options.cursor);
      params.push(after.created_at, after.id);
      where.push(`(created_at, id) < ($${params.length - 1}::timestamptz, $${params.length})`);
    }
    params.push(limit + 1);
    const filter = where.length ? `WHERE ${where.join(" AND ")}` : "";
    const rows = await this.#all<RunRecord>(
      RUNS,
      `SELECT ${selectList(RUNS)} FROM ${this.#s}.runs ${filter}
       ORDER BY created_at DESC, id DESC LIMIT $${params.length}`,
      params,
    );
    const items = rows.slice(0, limit);
    const last = items.at(-1);
    return { items, next_cursor: rows.length > limit && last ? encodeCursor(last) : null };
  }

  async updateRun(
    id: string,
    patch: Partial<RunRecord>,
    expectStatus?: RunStatus[],
  ): Promise<RunRecord | null> {
    const changes = parseRunPatch(id, patch);
    const expected = expectStatus && parseStatuses(expectStatus, "expectStatus");
    return this.#tx("updating a run", (c) => this.#patchRun(c, id, changes, expected));
  }

  async addAttempt(attempt: AttemptRecord): Promise<void> {
    const added = parseAttempt(attempt);
    await this.#tx("adding an attempt", async (c) => {
      const run = await c.query(`SELECT 1 FROM ${this.#s}.runs WHERE id = $1 FOR NO KEY UPDATE`, [
        added.run_id,
      ]);
      if (run.rowCount === 0) {
        throw new ValidibotError("run_not_found", `run ${added.run_id} does not exist`);
      }
      await c.query(this.#insert(ATTEMPTS), toRow(ATTEMPTS, added));
      await c.query(
        `UPDATE ${this.#s}.runs SET current_attempt_id = $1, attempt_count = attempt_count + 1,
           updated_at = GREATEST(updated_at, $2::timestamptz) WHERE id = $3`,
        [added.id, added.created_at, added.run_id],
      );
    });
  }

  async getAttempt(id: string): Promise<AttemptRecord | null> {
    return this.#one(
      ATTEMPTS,
      `SELECT ${selectList(ATTEMPTS)} FROM ${this.#s}.attempts WHERE id = $1`,
      [id],
    );
  }

  async getAttemptByCallbackId(callbackId: string): Promise<AttemptRecord | null> {
    return this.#one(
      ATTEMPTS,
      `SELECT ${selectList(ATTEMPTS)} FROM ${this.#s}.attempts WHERE callback_id = $1`,
      [callbackId],
    );
  }

  async listAttempts(runId: string): Promise<AttemptRecord[]> {
    return this.#all(
      ATTEMPTS,
      `SELECT ${selectList(ATTEMPTS)} FROM ${this.#s}.attempts WHERE run_id = $1 ORDER BY number`,
      [runId],
    );
  }

  async updateAttempt(id: string, patch: Partial<AttemptRecord>): Promise<AttemptRecord | null> {
    const changes = parseAttemptPatch(id, patch);
    return this.#tx("updating an attempt", (c) => this.#patchAttempt(c, id, changes));
  }

  async claimCallback(
    receipt: { callback_id: string; run_id: string; attempt_id: string },
    staleAfterMs: number,
  ): Promise<ClaimResult> {
    const stale = parseStaleAfter(staleAfterMs);
    parseId(receipt.callback_id, "callback_id");
    return this.#tx("claiming a callback", async (c): Promise<ClaimResult> => {
      await this.#checkCallback(c, receipt);
      const inserted = await c.query(
        `INSERT INTO ${this.#s}.callback_receipts (callback_id, run_id, attempt_id, state, claimed_at)
         VALUES ($1, $2, $3, 'processing', clock_timestamp()) ON CONFLICT (callback_id) DO NOTHING`,
        [receipt.callback_id, receipt.run_id, receipt.attempt_id],
      );
      if (inserted.rowCount === 1) return { kind: "claimed" };
      const takenOver = await c.query(
        `UPDATE ${this.#s}.callback_receipts SET claimed_at = clock_timestamp()
         WHERE callback_id = $1 AND state = 'processing'
           AND claimed_at <= clock_timestamp() - $2::double precision * interval '1 millisecond'`,
        [receipt.callback_id, stale],
      );
      if (takenOver.rowCount === 1) return { kind: "claimed" };
      const existing = await this.#receipt(c, receipt.callback_id, "");
      return existing?.state === "processed"
        ? { kind: "processed", receipt: existing }
        : { kind: "processing" };
    });
  }

  async releaseCallback(callbackId: string): Promise<void> {
    await this.#query(
      "releasing a callback",
      `DELETE FROM ${this.#s}.callback_receipts WHERE callback_id = $1 AND state = 'processing'`,
      [callbackId],
    );
  }

  async completeCallback(completion: CallbackCompletion): Promise<RunRecord> {
    const done = parseCompletion(completion);
    return this.#tx("completing a callback", async (c) => {
      const locked = await c.query<Row>(
        `SELECT ${selectList(RUNS)} FROM ${this.#s}.runs WHERE id = $1 FOR NO KEY UPDATE`,
        [done.run_id],
      );
      const row = locked.rows[0];
      if (!row) throw new ValidibotError("run_not_found", `run ${done.run_id} does not exist`);
      const run = fromRow<RunRecord>(RUNS, row);
      await this.#checkCallback(c, done);
      const existing = await this.#receipt(c, done.callback_id, " FOR UPDATE");
      if (existing?.state === "processed") return run;

      const patched = done.runPatch
        ? await this.#patchRun(c, done.run_id, done.runPatch, done.expectRunStatus)
        : run;
      // A result for a run that has moved on is recorded as late; it changes nothing else.
      const late = patched === null;
      await c.query(
        `INSERT INTO ${this.#s}.callback_receipts
           (callback_id, run_id, attempt_id, state, outcome, claimed_at, processed_at)
         VALUES ($1, $2, $3, 'processed', $4, clock_timestamp(), clock_timestamp())
         ON CONFLICT (callback_id) DO UPDATE SET
           state = 'processed', outcome = excluded.outcome, processed_at = excluded.processed_at`,
        [
          done.callback_id,
          done.run_id,
          done.attempt_id,
          late ? "late_callback_ignored" : done.outcome,
        ],
      );
      const after = patched ?? run;
      if (late) return after;
      if (done.attemptPatch) await this.#patchAttempt(c, done.attempt_id, done.attemptPatch);
      await this.#insertResults(c, FINDINGS, done.findings);
      await this.#insertResults(c, METRICS, done.metrics);
      await this.#insertResults(
        c,
        ARTIFACTS,
        done.artifacts.map((artifact, seq) => ({ ...artifact, seq })),
      );
      return after;
    });
  }

  async getReceipt(callbackId: string): Promise<CallbackReceipt | null> {
    return this.#one(
      RECEIPTS,
      `SELECT ${selectList(RECEIPTS)} FROM ${this.#s}.callback_receipts WHERE callback_id = $1`,
      [callbackId],
    );
  }

  async listFindings(runId: string): Promise<FindingRecord[]> {
    return this.#results(FINDINGS, runId);
  }

  async listMetrics(runId: string): Promise<MetricRecord[]> {
    return this.#results(METRICS, runId);
  }

  async listArtifacts(runId: string): Promise<ArtifactRecord[]> {
    return this.#results(ARTIFACTS, runId);
  }

  async countFindings(runId: string): Promise<{ INFO: number; WARNING: number; ERROR: number }> {
    const counts = { INFO: 0, WARNING: 0, ERROR: 0 };
    const result = await this.#query(
      "counting findings",
      `SELECT severity, count(*)::integer AS n FROM ${this.#s}.findings
       WHERE run_id = $1 GROUP BY severity`,
      [runId],
    );
    for (const row of result.rows) counts[row.severity as keyof typeof counts] = Number(row.n);
    return counts;
  }

  async listOverdueRuns(now: string, limit: number): Promise<RunRecord[]> {
    const at = parseInstant(now, "now");
    const max = parseLimit(limit, limit);
    // One index range per status, each at most `limit` long: the cost follows the overdue runs.
    const parts = ACTIVE_RUN_STATUSES.map(
      (_, i) => `(SELECT ${selectList(RUNS)} FROM ${this.#s}.runs
         WHERE status = $${i + 3} AND deadline_at < $1::timestamptz
         ORDER BY deadline_at, id LIMIT $2)`,
    );
    const rows = await this.#all<RunRecord>(RUNS, parts.join(" UNION ALL "), [
      at,
      max,
      ...ACTIVE_RUN_STATUSES,
    ]);
    return rows.sort(dueFirst).slice(0, max);
  }

  async claimOverdueRuns(now: string, limit: number, leaseUntil: string): Promise<RunRecord[]> {
    const at = parseInstant(now, "now");
    const max = parseLimit(limit, limit);
    const until = parseInstant(leaseUntil, "leaseUntil");
    const result = await this.#query(
      "claiming overdue runs",
      `WITH picked AS (
         SELECT id, deadline_at AS due FROM ${this.#s}.runs
         WHERE status = ANY($3::text[]) AND deadline_at < $1::timestamptz
         ORDER BY deadline_at, id LIMIT $2
         FOR NO KEY UPDATE SKIP LOCKED
       )
       UPDATE ${this.#s}.runs r SET deadline_at = $4::timestamptz FROM picked p
       WHERE r.id = p.id
       RETURNING ${selectList(RUNS, "r")}, to_char(p.due AT TIME ZONE 'UTC', ${ISO_FORMAT}) AS due`,
      [at, max, [...ACTIVE_RUN_STATUSES], until],
    );
    const taken = result.rows.map((row) => ({
      due: String(row.due),
      run: fromRow<RunRecord>(RUNS, row),
    }));
    taken.sort((a, b) =>
      dueFirst({ ...a.run, deadline_at: a.due }, { ...b.run, deadline_at: b.due }),
    );
    return taken.map(({ run }) => run);
  }

  /**
   * Subscribes to status changes of runs made through any instance on this database (LISTEN /
   * NOTIFY). Changes made while the LISTEN connection is (re)connecting are missed, so keep
   * polling as the fallback; `whenListening()` tells when it is active.
   */
  onRunChanged(listener: (change: RunChange) => void): () => void {
    const unsubscribe = this.#listeners.add(listener);
    if (this.#pool && !this.#closed) this.#listen(this.#pool).start();
    return unsubscribe;
  }

  /** Settles once the LISTEN connection behind `onRunChanged` is active. */
  async whenListening(): Promise<void> {
    const pool = this.#pool ?? (await this.#start());
    await this.#listen(pool).whenListening();
  }

  #listen(pool: Pool): PostgresChangeListener {
    if (!this.#listener) {
      this.#listener = new PostgresChangeListener(pool, this.#channel, (change) =>
        this.#listeners.emit(change),
      );
    }
    return this.#listener;
  }

  async #start(): Promise<Pool> {
    if (this.#closed) throw new ValidibotError("store_unavailable", "the run store is closed");
    if (this.#pool) return this.#pool;
    this.#starting ??= (async () => {
      const options = this.#options;
      // A host's pool is a `pg.Pool`; the option is typed structurally so that the declarations
      // of this package need no `pg` types where `pg` is not installed.
      if ("pool" in options) return options.pool as Pool;
      const pg = await loadPg();
      const pool = new pg.Pool({
        connectionString: options.connectionString,
        max: options.maxConnections ?? 10,
      });
      // An idle connection that dies is dropped by the pool; without a handler it would crash.
      pool.on("error", () => undefined);
      this.#ownsPool = true;
      return pool;
    })();
    try {
      this.#pool = await this.#starting;
    } catch (error) {
      this.#starting = null;
      throw error;
    }
    return this.#pool;
  }

  #ready(): Pool {
    if (this.#pool && !this.#closed) return this.#pool;
    throw new ValidibotError(
      "store_unavailable",
      this.#closed ? "the run store is closed" : "the run store is not initialised: call init()",
    );
  }

  #insert(table: TableSpec): string {
    return `INSERT INTO ${this.#s}.${table.name} (${table.columns.join(", ")})
      VALUES (${placeholders(table.columns.length)})`;
  }

  async #insertResults(c: PoolClient, table: TableSpec, records: object[]): Promise<void> {
    if (records.length === 0) return;
    const rows = records.map((record) => toRow(table, record));
    const columns = table.columns.map((_, i) => rows.map((row) => row[i] ?? null));
    const types = table.columns.map((column) =>
      column === "size_bytes" ? "bigint[]" : table.integers.has(column) ? "integer[]" : "text[]",
    );
    await c.query(
      `INSERT INTO ${this.#s}.${table.name} (${table.columns.join(", ")})
       SELECT * FROM unnest(${types.map((type, i) => `$${i + 1}::${type}`).join(", ")})
       ON CONFLICT (run_id, attempt_id, seq) DO NOTHING`,
      columns,
    );
  }

  async #patchRun(
    c: PoolClient,
    id: string,
    changes: Partial<RunRecord>,
    expected: RunStatus[] | undefined,
  ): Promise<RunRecord | null> {
    const entries = patchEntries(RUNS, changes);
    const params: unknown[] = entries.map(([, value]) => value);
    const sets = entries.map(([column], i) => `${column} = $${i + 1}`);
    params.push(id);
    let sql = `UPDATE ${this.#s}.runs SET ${sets.join(", ") || "id = id"} WHERE id = $${params.length}`;
    if (expected) {
      params.push(expected);
      sql += ` AND status = ANY($${params.length}::text[])`;
    }
    const result = await c.query<Row>(`${sql} RETURNING ${selectList(RUNS)}`, params);
    const row = result.rows[0];
    if (!row) return null;
    const run = fromRow<RunRecord>(RUNS, row);
    if (changes.status !== undefined) await this.#notify(c, run);
    return run;
  }

  async #patchAttempt(
    c: PoolClient,
    id: string,
    changes: Partial<AttemptRecord>,
  ): Promise<AttemptRecord | null> {
    const found = await c.query<Row>(
      `SELECT ${selectList(ATTEMPTS)} FROM ${this.#s}.attempts WHERE id = $1 FOR UPDATE`,
      [id],
    );
    const row = found.rows[0];
    if (!row) return null;
    const attempt = fromRow<AttemptRecord>(ATTEMPTS, row);
    const entries = patchEntries(ATTEMPTS, keepAttemptIdentity(attempt, changes));
    if (entries.length === 0) return attempt;
    const result = await c.query<Row>(
      `UPDATE ${this.#s}.attempts SET ${entries.map(([column], i) => `${column} = $${i + 1}`).join(", ")}
       WHERE id = $${entries.length + 1} RETURNING ${selectList(ATTEMPTS)}`,
      [...entries.map(([, value]) => value), id],
    );
    return result.rows[0] ? fromRow<AttemptRecord>(ATTEMPTS, result.rows[0]) : null;
  }

  async #checkCallback(
    c: PoolClient,
    ids: { callback_id: string; run_id: string; attempt_id: string },
  ): Promise<void> {
    const found = await c.query(
      `SELECT 1 FROM ${this.#s}.attempts WHERE id = $1 AND run_id = $2 AND callback_id = $3`,
      [ids.attempt_id, ids.run_id, ids.callback_id],
    );
    if (found.rowCount === 0) {
      throw new ValidibotError(
        "callback_unknown",
        `callback ${ids.callback_id} is not attempt ${ids.attempt_id} of run ${ids.run_id}`,
      );
    }
  }

  async #receipt(c: PoolClient, callbackId: string, lock: string): Promise<CallbackReceipt | null> {
    const result = await c.query<Row>(
      `SELECT ${selectList(RECEIPTS)} FROM ${this.#s}.callback_receipts WHERE callback_id = $1${lock}`,
      [callbackId],
    );
    return result.rows[0] ? fromRow<CallbackReceipt>(RECEIPTS, result.rows[0]) : null;
  }

  async #notify(c: PoolClient, run: Pick<RunRecord, "id" | "status">): Promise<void> {
    await c.query("SELECT pg_notify($1, $2)", [
      this.#channel,
      JSON.stringify({ run_id: run.id, status: run.status }),
    ]);
  }

  async #results<T>(table: TableSpec, runId: string): Promise<T[]> {
    return this.#all(
      table,
      `SELECT ${selectList(table, "r")} FROM ${this.#s}.${table.name} r
       JOIN ${this.#s}.attempts a ON a.id = r.attempt_id
       WHERE r.run_id = $1 ORDER BY a.number, r.seq`,
      [runId],
    );
  }

  async #query(what: string, sql: string, params: unknown[]) {
    const pool = this.#ready();
    try {
      return await pool.query<Row>(sql, params);
    } catch (error) {
      throw mapPgError(error, what);
    }
  }

  async #one<T>(table: TableSpec, sql: string, params: unknown[]): Promise<T | null> {
    const result = await this.#query("reading the run store", sql, params);
    return result.rows[0] ? fromRow<T>(table, result.rows[0]) : null;
  }

  async #all<T>(table: TableSpec, sql: string, params: unknown[]): Promise<T[]> {
    const result = await this.#query("reading the run store", sql, params);
    return result.rows.map((row) => fromRow<T>(table, row));
  }

  /**
   * Runs `fn` in one transaction on one connection; a deadlock or serialization failure
   * (the database chose this transaction to abort) is retried from the start.
   */
  async #tx<T>(what: string, fn: (client: PoolClient) => Promise<T>): Promise<T> {
    const pool = this.#ready();
    for (let attempt = 1; ; attempt++) {
      let client: PoolClient;
      try {
        client = await pool.connect();
      } catch (error) {
        throw mapPgError(error, what);
      }
      let broken: Error | undefined;
      try {
        await client.query("BEGIN");
        const result = await fn(client);
        await client.query("COMMIT");
        return result;
      } catch (error) {
        try {
          await client.query("ROLLBACK");
        } catch (rollbackError) {
          broken =
            rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
        }
        if (attempt < MAX_TRANSACTION_TRIES && isRetryablePgError(error)) continue;
        throw mapPgError(error, what);
      } finally {
        client.release(broken);
      }
    }
  }
}
