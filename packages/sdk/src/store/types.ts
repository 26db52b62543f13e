import type { RunStatus } from "@validibot/contracts";
import type {
  ArtifactRecord,
  AttemptRecord,
  CallbackReceipt,
  FindingRecord,
  MetricRecord,
  RunRecord,
} from "../model";

/** A filter and page of `listRuns`: newest first. */
export interface ListRunsOptions {
  status?: RunStatus;
  /** Only the runs of this organization (what an API token of that organization may see). Default: every organization's. */
  orgId?: string;
  /** Page size. Default: 50. */
  limit?: number;
  /** The `next_cursor` of the previous page. */
  cursor?: string;
}

/** A page of runs. */
export interface RunListPage {
  items: RunRecord[];
  /** Opaque cursor of the next page; null on the last page. */
  next_cursor: string | null;
}

/** The result of claiming a callback receipt. */
export type ClaimResult =
  /** This caller now owns processing. */
  | { kind: "claimed" }
  /** Someone else is processing it (answer 409). */
  | { kind: "processing" }
  /** It was processed already (answer 200, idempotent). */
  | { kind: "processed"; receipt: CallbackReceipt };

/** Everything one processed callback changes, written in one transaction. */
export interface CallbackCompletion {
  callback_id: string;
  run_id: string;
  attempt_id: string;
  /** `accepted` or `late_callback_ignored`. */
  outcome: string;
  /**
   * The run's new fields, applied only if the run is still in one of `expectRunStatus` (so a
   * terminal run is never changed). When they are not applied, the result is late: the receipt
   * is recorded with the outcome `late_callback_ignored`, and neither `attemptPatch` nor the
   * findings, metrics and artifacts are written. Null: leave the run alone (results are written).
   */
  runPatch: Partial<RunRecord> | null;
  expectRunStatus: RunStatus[];
  attemptPatch: Partial<AttemptRecord> | null;
  findings: FindingRecord[];
  metrics: MetricRecord[];
  artifacts: ArtifactRecord[];
}

/** A change to a run, as announced by `onRunChanged`. */
export interface RunChange {
  run_id: string;
  status: RunStatus;
}

/**
 * Where runs, attempts, receipts and results live. Every method is one transaction; state
 * changes are conditional (compare-and-set on the run's status) so concurrent writers, in
 * one process or several sharing a database, never lose or double an update.
 */
export interface RunStore {
  /** Creates tables and runs pending migrations; safe to call on every start. */
  init(): Promise<void>;
  close(): Promise<void>;

  /** Creates a run and its first attempt together. */
  createRun(run: RunRecord, attempt: AttemptRecord): Promise<void>;
  getRun(id: string): Promise<RunRecord | null>;
  listRuns(options?: ListRunsOptions): Promise<RunListPage>;
  /**
   * Applies `patch` if the run's status is one of `expectStatus` (any status when omitted);
   * returns the updated run, or null when the run is absent or in another status.
   */
  updateRun(
    id: string,
    patch: Partial<RunRecord>,
    expectStatus?: RunStatus[],
  ): Promise<RunRecord | null>;

  /** Adds a further attempt and makes it the run's current one. */
  addAttempt(attempt: AttemptRecord): Promise<void>;
  getAttempt(id: string): Promise<AttemptRecord | null>;
  getAttemptByCallbackId(callbackId: string): Promise<AttemptRecord | null>;
  listAttempts(runId: string): Promise<AttemptRecord[]>;
  updateAttempt(id: string, patch: Partial<AttemptRecord>): Promise<AttemptRecord | null>;

  /**
   * Claims the receipt of `callback_id` for processing. A `processing` claim older than
   * `staleAfterMs` (its holder died) is taken over. Exactly one of many concurrent callers wins.
   */
  claimCallback(
    receipt: { callback_id: string; run_id: string; attempt_id: string },
    staleAfterMs: number,
  ): Promise<ClaimResult>;
  /** Drops a `processing` claim so the sender's retry can process it (after a server error). */
  releaseCallback(callbackId: string): Promise<void>;
  /**
   * Marks the receipt processed and applies the run and attempt changes with the findings,
   * metrics and artifacts, all in one transaction. Returns the run as it is afterwards.
   */
  completeCallback(completion: CallbackCompletion): Promise<RunRecord>;
  getReceipt(callbackId: string): Promise<CallbackReceipt | null>;

  listFindings(runId: string): Promise<FindingRecord[]>;
  listMetrics(runId: string): Promise<MetricRecord[]>;
  listArtifacts(runId: string): Promise<ArtifactRecord[]>;
  /** Counts of the run's findings by severity. */
  countFindings(runId: string): Promise<{ INFO: number; WARNING: number; ERROR: number }>;

  /**
   * Runs not yet terminal whose `deadline_at` is before `now`, oldest deadline first. Served
   * by an index: its cost follows the overdue runs, not all runs.
   */
  listOverdueRuns(now: string, limit: number): Promise<RunRecord[]>;
  /**
   * Takes overdue runs for one reconciler: picks them as `listOverdueRuns` does and, in the
   * same transaction, moves each one's `deadline_at` to `leaseUntil`, so a reconciler on any
   * instance sharing the store does not get them too (PostgreSQL: `FOR UPDATE SKIP LOCKED`).
   * If the taker dies, the runs fall due again at `leaseUntil`. Returns the runs as updated.
   */
  claimOverdueRuns(now: string, limit: number, leaseUntil: string): Promise<RunRecord[]>;

  /**
   * Subscribes to run changes made through any instance sharing this store, where the store
   * can tell (PostgreSQL LISTEN/NOTIFY). Absent: callers poll. Returns the unsubscribe function.
   */
  onRunChanged?(listener: (change: RunChange) => void): () => void;
}
