import type { DatabaseSync, SQLInputValue, StatementSync } from "node:sqlite";
import { type RunStatus, ValidibotError } from "@validibot/contracts";
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
import {
  ARTIFACTS,
  ATTEMPTS,
  FINDINGS,
  fromRow,
  METRICS,
  patchEntries,
  RECEIPTS,
  RUNS,
  type TableSpec,
  toRow,
} from "./sql-tables";
import { mapSqliteError } from "./sqlite-errors";
import { migrateSqlite } from "./sqlite-migrations";
import type {
  CallbackCompletion,
  ClaimResult,
  ListRunsOptions,
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

/** Options of `SqliteRunStore`. */
export interface SqliteRunStoreOptions {
  /** The database file (created if absent), or `":memory:"` for a private in-memory database. */
  path: string;
  /**
   * How long a write waits for another connection (another instance or process on the same
   * file) to finish its transaction before failing with `store_unavailable`. Default: 5000 ms.
   */
  busyTimeoutMs?: number;
  /**
   * SQLite's `synchronous` setting. `NORMAL` (default) in WAL mode keeps the database consistent
   * and every committed transaction safe from a crash of the process; only a power loss or OS
   * crash can undo the last commits. A lost callback commit is recovered by `reconcile()` from the
   * durable `output.json`. `FULL` also survives power loss, at an fsync per commit (about 4 ms on
   * common disks, which caps writes at a few hundred per second).
   */
  synchronous?: "NORMAL" | "FULL";
}

type Row = Record<string, unknown>;

function insertSql(table: TableSpec, onConflict = ""): string {
  const columns = table.columns.join(", ");
  const marks = table.columns.map(() => "?").join(", ");
  return `INSERT INTO ${table.name} (${columns}) VALUES (${marks})${onConflict}`;
}

const RESULTS_CONFLICT = " ON CONFLICT (run_id, attempt_id, seq) DO NOTHING";

/** The receipt outcome of a result whose run was no longer in an expected status. */
const LATE_OUTCOME = "late_callback_ignored";

/** The query behind `listOverdueRuns`, once per active status; served by `runs_status_deadline_idx`. */
export const SQLITE_OVERDUE_SQL =
  "SELECT * FROM runs WHERE status = ? AND deadline_at < ? ORDER BY deadline_at, id LIMIT ?";

/** Loads `node:sqlite` on first use, so hosts on other stores never load it (nor its warning). */
async function loadSqlite(): Promise<typeof import("node:sqlite")> {
  try {
    return await import("node:sqlite");
  } catch (error) {
    // Blame the Node version only where it is the cause: on a current Node the import failed
    // for another reason, which the message must name.
    const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
    const tooOld = major < 22 || (major === 22 && minor < 13);
    throw new ValidibotError(
      "store_unavailable",
      tooOld
        ? `SqliteRunStore needs node:sqlite: Node.js 22.13 or later (this is ${process.version})`
        : `SqliteRunStore could not load node:sqlite on Node.js ${process.version}: ${(error as Error).message}`,
      { cause: error },
    );
  }
}

/**
 * The embedded default `RunStore`, on `node:sqlite`: one database file, in WAL mode, with a
 * busy timeout so several instances or processes can share the file. Every write is one
 * `BEGIN IMMEDIATE` transaction run to its end without yielding, so the methods are async
 * only in signature. Schema changes are numbered migrations applied by `init()`.
 */
export class SqliteRunStore implements RunStore {
  readonly #path: string;
  readonly #busyTimeoutMs: number;
  readonly #synchronous: "NORMAL" | "FULL";
  #db: DatabaseSync | null = null;
  #closed = false;
  readonly #statements = new Map<string, StatementSync>();

  constructor(options: SqliteRunStoreOptions) {
    if (typeof options?.path !== "string" || options.path === "") {
      throw new ValidibotError("invalid_request", 'SqliteRunStore needs a path (or ":memory:")');
    }
    const busy = options.busyTimeoutMs ?? 5000;
    if (!Number.isInteger(busy) || busy < 0) {
      throw new ValidibotError("invalid_request", "busyTimeoutMs must be an integer >= 0");
    }
    this.#path = options.path;
    this.#busyTimeoutMs = busy;
    const synchronous = options.synchronous ?? "NORMAL";
    if (synchronous !== "NORMAL" && synchronous !== "FULL") {
      throw new ValidibotError("invalid_request", 'synchronous must be "NORMAL" or "FULL"');
    }
    this.#synchronous = synchronous;
  }

  /** Opens the database, sets WAL, the busy timeout and foreign keys, and applies migrations. */
  async init(): Promise<void> {
    const { DatabaseSync } = await loadSqlite();
    // From here on nothing yields, so concurrent init() calls cannot both open the file.
    if (this.#closed) throw new ValidibotError("store_unavailable", "the run store is closed");
    if (!this.#db) {
      const db = new DatabaseSync(this.#path);
      try {
        db.exec(`PRAGMA busy_timeout = ${this.#busyTimeoutMs}`);
        db.exec("PRAGMA journal_mode = WAL");
        db.exec(`PRAGMA synchronous = ${this.#synchronous}`);
        db.exec("PRAGMA foreign_keys = ON");
      } catch (error) {
        db.close();
        throw mapSqliteError(error, "opening the run store");
      }
      this.#db = db;
    }
    try {
      migrateSqlite(this.#db);
    } catch (error) {
      throw mapSqliteError(error, "migrating the run store");
    }
  }

  /** Closes the database; later calls fail with `store_unavailable`. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#statements.clear();
    const db = this.#db;
    this.#db = null;
    if (db?.isOpen) db.close();
  }

  async createRun(run: RunRecord, attempt: AttemptRecord): Promise<void> {
    const stored = parseRun(run);
    const first = parseAttempt(attempt);
    if (first.run_id !== stored.id) {
      throw new ValidibotError("invalid_request", "invalid attempt: run_id is not the run's id");
    }
    stored.current_attempt_id = first.id;
    stored.attempt_count = 1;
    this.#write("creating a run", () => {
      this.#run(insertSql(RUNS), toRow(RUNS, stored));
      this.#run(insertSql(ATTEMPTS), toRow(ATTEMPTS, first));
    });
  }

  async getRun(id: string): Promise<RunRecord | null> {
    return this.#one(RUNS, "SELECT * FROM runs WHERE id = ?", [id]);
  }

  async listRuns(options: ListRunsOptions = {}): Promise<RunListPage> {
    const limit = parseLimit(options.limit, 50);
    const where: string[] = [];
    const params: SQLInputValue[] = [];
    if (options.status !== undefined) {
      where.push("status = ?");
      params.push(...parseStatuses([options.status], "status"));
    }
    if (options.orgId !== undefined) {
      where.push("org_id = ?");
      params.push(parseId(options.orgId, "orgId"));
    }
    if (options.cursor !== undefined) {
      const after = decodeCursor(options.cursor);
      where.push("(created_at, id) < (?, ?)");
      params.push(after.created_at, after.id);
    }
    const filter = where.length ? `WHERE ${where.join(" AND ")}` : "";
    const sql = `SELECT * FROM runs ${filter} ORDER BY created_at DESC, id DESC LIMIT ?`;
    const rows = this.#all(RUNS, sql, [...params, limit + 1]) as RunRecord[];
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
    return this.#write("updating a run", () => this.#patchRun(id, changes, expected));
  }

  async addAttempt(attempt: AttemptRecord): Promise<void> {
    const added = parseAttempt(attempt);
    this.#write("adding an attempt", () => {
      if (!this.#get("SELECT 1 FROM runs WHERE id = ?", [added.run_id])) {
        throw new ValidibotError("run_not_found", `run ${added.run_id} does not exist`);
      }
      this.#run(insertSql(ATTEMPTS), toRow(ATTEMPTS, added));
      this.#run(
        `UPDATE runs SET current_attempt_id = ?, attempt_count = attempt_count + 1,
           updated_at = max(updated_at, ?) WHERE id = ?`,
        [added.id, added.created_at, added.run_id],
      );
    });
  }

  async getAttempt(id: string): Promise<AttemptRecord | null> {
    return this.#one(ATTEMPTS, "SELECT * FROM attempts WHERE id = ?", [id]);
  }

  async getAttemptByCallbackId(callbackId: string): Promise<AttemptRecord | null> {
    return this.#one(ATTEMPTS, "SELECT * FROM attempts WHERE callback_id = ?", [callbackId]);
  }

  async listAttempts(runId: string): Promise<AttemptRecord[]> {
    return this.#all(ATTEMPTS, "SELECT * FROM attempts WHERE run_id = ? ORDER BY number", [runId]);
  }

  async updateAttempt(id: string, patch: Partial<AttemptRecord>): Promise<AttemptRecord | null> {
    const changes = parseAttemptPatch(id, patch);
    return this.#write("updating an attempt", () => this.#patchAttempt(id, changes));
  }

  async claimCallback(
    receipt: { callback_id: string; run_id: string; attempt_id: string },
    staleAfterMs: number,
  ): Promise<ClaimResult> {
    const stale = parseStaleAfter(staleAfterMs);
    parseId(receipt.callback_id, "callback_id");
    return this.#write("claiming a callback", (): ClaimResult => {
      this.#checkCallback(receipt);
      const now = Date.now();
      const claimedAt = new Date(now).toISOString();
      const inserted = this.#run(
        `INSERT INTO callback_receipts (callback_id, run_id, attempt_id, state, claimed_at)
         VALUES (?, ?, ?, 'processing', ?) ON CONFLICT (callback_id) DO NOTHING`,
        [receipt.callback_id, receipt.run_id, receipt.attempt_id, claimedAt],
      );
      if (inserted.changes === 1) return { kind: "claimed" };
      const takenOver = this.#run(
        `UPDATE callback_receipts SET claimed_at = ?
         WHERE callback_id = ? AND state = 'processing' AND claimed_at <= ?`,
        [claimedAt, receipt.callback_id, new Date(now - stale).toISOString()],
      );
      if (takenOver.changes === 1) return { kind: "claimed" };
      const existing = this.#receipt(receipt.callback_id);
      return existing?.state === "processed"
        ? { kind: "processed", receipt: existing }
        : { kind: "processing" };
    });
  }

  async releaseCallback(callbackId: string): Promise<void> {
    this.#write("releasing a callback", () => {
      this.#run("DELETE FROM callback_receipts WHERE callback_id = ? AND state = 'processing'", [
        callbackId,
      ]);
    });
  }

  async completeCallback(completion: CallbackCompletion): Promise<RunRecord> {
    const done = parseCompletion(completion);
    return this.#write("completing a callback", () => {
      const run = this.#one<RunRecord>(RUNS, "SELECT * FROM runs WHERE id = ?", [done.run_id]);
      if (!run) throw new ValidibotError("run_not_found", `run ${done.run_id} does not exist`);
      this.#checkCallback(done);
      if (this.#receipt(done.callback_id)?.state === "processed") return run;

      const patched = done.runPatch
        ? this.#patchRun(done.run_id, done.runPatch, done.expectRunStatus)
        : run;
      // A result for a run that has moved on is recorded as late; it changes nothing else.
      const late = patched === null;
      const now = new Date().toISOString();
      this.#run(
        `INSERT INTO callback_receipts
           (callback_id, run_id, attempt_id, state, outcome, claimed_at, processed_at)
         VALUES (?, ?, ?, 'processed', ?, ?, ?)
         ON CONFLICT (callback_id) DO UPDATE SET
           state = 'processed', outcome = excluded.outcome, processed_at = excluded.processed_at`,
        [
          done.callback_id,
          done.run_id,
          done.attempt_id,
          late ? LATE_OUTCOME : done.outcome,
          now,
          now,
        ],
      );
      const after = patched ?? run;
      if (late) return after;
      if (done.attemptPatch) this.#patchAttempt(done.attempt_id, done.attemptPatch);
      for (const finding of done.findings) {
        this.#run(insertSql(FINDINGS, RESULTS_CONFLICT), toRow(FINDINGS, finding));
      }
      for (const metric of done.metrics) {
        this.#run(insertSql(METRICS, RESULTS_CONFLICT), toRow(METRICS, metric));
      }
      done.artifacts.forEach((artifact, seq) => {
        this.#run(insertSql(ARTIFACTS, RESULTS_CONFLICT), toRow(ARTIFACTS, { ...artifact, seq }));
      });
      return after;
    });
  }

  async getReceipt(callbackId: string): Promise<CallbackReceipt | null> {
    return this.#receipt(callbackId);
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
    const rows = this.#statement(
      "SELECT severity, count(*) AS n FROM findings WHERE run_id = ? GROUP BY severity",
    ).all(runId);
    for (const row of rows) counts[row.severity as keyof typeof counts] = Number(row.n);
    return counts;
  }

  async listOverdueRuns(now: string, limit: number): Promise<RunRecord[]> {
    const at = parseInstant(now, "now");
    const max = parseLimit(limit, limit);
    return this.#read(() => this.#overdue(at, max));
  }

  async claimOverdueRuns(now: string, limit: number, leaseUntil: string): Promise<RunRecord[]> {
    const at = parseInstant(now, "now");
    const max = parseLimit(limit, limit);
    const until = parseInstant(leaseUntil, "leaseUntil");
    return this.#write("claiming overdue runs", () =>
      this.#overdue(at, max).map((run) => {
        this.#run("UPDATE runs SET deadline_at = ? WHERE id = ?", [until, run.id]);
        return { ...run, deadline_at: until };
      }),
    );
  }

  #overdue(now: string, limit: number): RunRecord[] {
    // One index range per status, each at most `limit` long: the cost follows the overdue runs.
    const due = ACTIVE_RUN_STATUSES.flatMap(
      (status) => this.#all(RUNS, SQLITE_OVERDUE_SQL, [status, now, limit]) as RunRecord[],
    );
    return due.sort(dueFirst).slice(0, limit);
  }

  #patchRun(
    id: string,
    changes: Partial<RunRecord>,
    expected: RunStatus[] | undefined,
  ): RunRecord | null {
    const entries = patchEntries(RUNS, changes);
    const params: SQLInputValue[] = entries.map(([, value]) => value);
    let sql = entries.length
      ? `UPDATE runs SET ${entries.map(([column]) => `${column} = ?`).join(", ")} WHERE id = ?`
      : "UPDATE runs SET id = id WHERE id = ?";
    params.push(id);
    if (expected) {
      sql += ` AND status IN (${expected.map(() => "?").join(", ") || "NULL"})`;
      params.push(...expected);
    }
    if (this.#run(sql, params).changes === 0) return null;
    return this.#one(RUNS, "SELECT * FROM runs WHERE id = ?", [id]);
  }

  #patchAttempt(id: string, changes: Partial<AttemptRecord>): AttemptRecord | null {
    const attempt = this.#one<AttemptRecord>(ATTEMPTS, "SELECT * FROM attempts WHERE id = ?", [id]);
    if (!attempt) return null;
    const entries = patchEntries(ATTEMPTS, keepAttemptIdentity(attempt, changes));
    if (entries.length) {
      this.#run(
        `UPDATE attempts SET ${entries.map(([column]) => `${column} = ?`).join(", ")} WHERE id = ?`,
        [...entries.map(([, value]) => value), id],
      );
    }
    return this.#one(ATTEMPTS, "SELECT * FROM attempts WHERE id = ?", [id]);
  }

  #checkCallback(ids: { callback_id: string; run_id: string; attempt_id: string }): void {
    const found = this.#get(
      "SELECT 1 FROM attempts WHERE id = ? AND run_id = ? AND callback_id = ?",
      [ids.attempt_id, ids.run_id, ids.callback_id],
    );
    if (!found) {
      throw new ValidibotError(
        "callback_unknown",
        `callback ${ids.callback_id} is not attempt ${ids.attempt_id} of run ${ids.run_id}`,
      );
    }
  }

  #receipt(callbackId: string): CallbackReceipt | null {
    return this.#one(RECEIPTS, "SELECT * FROM callback_receipts WHERE callback_id = ?", [
      callbackId,
    ]);
  }

  #results<T>(table: TableSpec, runId: string): T[] {
    return this.#all(
      table,
      `SELECT r.* FROM ${table.name} r JOIN attempts a ON a.id = r.attempt_id
       WHERE r.run_id = ? ORDER BY a.number, r.seq`,
      [runId],
    );
  }

  #open(): DatabaseSync {
    if (this.#db) return this.#db;
    throw new ValidibotError(
      "store_unavailable",
      this.#closed ? "the run store is closed" : "the run store is not initialised: call init()",
    );
  }

  #statement(sql: string): StatementSync {
    const db = this.#open();
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  #run(sql: string, params: SQLInputValue[]) {
    return this.#statement(sql).run(...params);
  }

  #get(sql: string, params: SQLInputValue[]): Row | undefined {
    return this.#statement(sql).get(...params) as Row | undefined;
  }

  #one<T>(table: TableSpec, sql: string, params: SQLInputValue[]): T | null {
    const row = this.#read(() => this.#get(sql, params));
    return row ? fromRow<T>(table, row) : null;
  }

  #all<T>(table: TableSpec, sql: string, params: SQLInputValue[]): T[] {
    const rows = this.#read(() => this.#statement(sql).all(...params) as Row[]);
    return rows.map((row) => fromRow<T>(table, row));
  }

  #read<T>(fn: () => T): T {
    try {
      return fn();
    } catch (error) {
      throw mapSqliteError(error, "reading the run store");
    }
  }

  /** Runs `fn` in one `BEGIN IMMEDIATE` transaction: all of it commits, or none of it. */
  #write<T>(what: string, fn: () => T): T {
    const db = this.#open();
    try {
      db.exec("BEGIN IMMEDIATE");
    } catch (error) {
      throw mapSqliteError(error, what);
    }
    try {
      const result = fn();
      db.exec("COMMIT");
      return result;
    } catch (error) {
      // A rollback that fails too (a full disk) must not hide the error that caused it.
      if (db.isTransaction) {
        try {
          db.exec("ROLLBACK");
        } catch {}
      }
      throw mapSqliteError(error, what);
    }
  }
}
