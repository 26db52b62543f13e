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
import { RunChangeListeners } from "./run-change-listeners";
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

/** One attempt's results, keyed by `seq` so writing them twice cannot double them. */
interface AttemptResults {
  findings: Map<number, FindingRecord>;
  metrics: Map<number, MetricRecord>;
  artifacts: Map<number, ArtifactRecord>;
}

/** A deep copy, so no caller shares an object with the store. */
function copy<T>(value: T): T {
  return structuredClone(value);
}

type Position = Pick<RunRecord, "created_at" | "id">;

function newerFirst(a: Position, b: Position): number {
  if (a.created_at !== b.created_at) return a.created_at < b.created_at ? 1 : -1;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/**
 * A `RunStore` in process memory: for tests, demos and mock mode. Same semantics as the SQL
 * stores (every method is atomic, updates compare-and-set on the run's status), and records are
 * copied in and out so callers cannot change stored state. Nothing survives the process, and
 * instances share nothing; `onRunChanged` reports every change, since all go through this object.
 */
export class MemoryRunStore implements RunStore {
  readonly #runs = new Map<string, RunRecord>();
  /** Ids of runs not yet terminal: what `listOverdueRuns` scans. */
  readonly #activeRunIds = new Set<string>();
  readonly #attempts = new Map<string, AttemptRecord>();
  readonly #attemptIdByCallbackId = new Map<string, string>();
  readonly #receipts = new Map<string, CallbackReceipt>();
  readonly #results = new Map<string, AttemptResults>();
  readonly #listeners = new RunChangeListeners();
  #closed = false;

  /** Nothing to set up; safe to call any number of times. */
  async init(): Promise<void> {
    this.#open();
  }

  /** Ends the store: later calls fail with `store_unavailable`; listeners are dropped. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#listeners.clear();
  }

  async createRun(run: RunRecord, attempt: AttemptRecord): Promise<void> {
    this.#open();
    const stored = parseRun(run);
    const first = parseAttempt(attempt);
    if (first.run_id !== stored.id) {
      throw new ValidibotError("invalid_request", "invalid attempt: run_id is not the run's id");
    }
    if (this.#runs.has(stored.id)) {
      throw new ValidibotError("store_conflict", `run ${stored.id} exists already`);
    }
    this.#checkNewAttempt(first);
    stored.current_attempt_id = first.id;
    stored.attempt_count = 1;
    this.#putRun(stored);
    this.#putAttempt(first);
    this.#announce(stored);
  }

  async getRun(id: string): Promise<RunRecord | null> {
    this.#open();
    const run = this.#runs.get(id);
    return run ? copy(run) : null;
  }

  async listRuns(options: ListRunsOptions = {}): Promise<RunListPage> {
    this.#open();
    const limit = parseLimit(options.limit, 50);
    const status =
      options.status === undefined ? undefined : parseStatuses([options.status], "status")[0];
    const after = options.cursor === undefined ? undefined : decodeCursor(options.cursor);
    const orgId = options.orgId === undefined ? undefined : parseId(options.orgId, "orgId");
    const matching = [...this.#runs.values()]
      .filter((run) => status === undefined || run.status === status)
      .filter((run) => orgId === undefined || run.org_id === orgId)
      .filter((run) => after === undefined || newerFirst(run, after) > 0)
      .sort(newerFirst);
    const items = matching.slice(0, limit);
    const last = items.at(-1);
    return {
      items: items.map(copy),
      next_cursor: matching.length > limit && last ? encodeCursor(last) : null,
    };
  }

  async updateRun(
    id: string,
    patch: Partial<RunRecord>,
    expectStatus?: RunStatus[],
  ): Promise<RunRecord | null> {
    this.#open();
    const changes = parseRunPatch(id, patch);
    const expected =
      expectStatus === undefined ? undefined : parseStatuses(expectStatus, "expectStatus");
    const run = this.#runs.get(id);
    if (!run || (expected && !expected.includes(run.status))) return null;
    const updated = { ...run, ...changes };
    this.#putRun(updated);
    if (changes.status !== undefined) this.#announce(updated);
    return copy(updated);
  }

  async addAttempt(attempt: AttemptRecord): Promise<void> {
    this.#open();
    const added = parseAttempt(attempt);
    const run = this.#runs.get(added.run_id);
    if (!run) throw new ValidibotError("run_not_found", `run ${added.run_id} does not exist`);
    this.#checkNewAttempt(added);
    this.#putAttempt(added);
    this.#putRun({
      ...run,
      current_attempt_id: added.id,
      attempt_count: run.attempt_count + 1,
      updated_at: run.updated_at > added.created_at ? run.updated_at : added.created_at,
    });
  }

  async getAttempt(id: string): Promise<AttemptRecord | null> {
    this.#open();
    const attempt = this.#attempts.get(id);
    return attempt ? copy(attempt) : null;
  }

  async getAttemptByCallbackId(callbackId: string): Promise<AttemptRecord | null> {
    this.#open();
    const id = this.#attemptIdByCallbackId.get(callbackId);
    return id === undefined ? null : this.getAttempt(id);
  }

  async listAttempts(runId: string): Promise<AttemptRecord[]> {
    this.#open();
    return [...this.#attempts.values()]
      .filter((attempt) => attempt.run_id === runId)
      .sort((a, b) => a.number - b.number)
      .map(copy);
  }

  async updateAttempt(id: string, patch: Partial<AttemptRecord>): Promise<AttemptRecord | null> {
    this.#open();
    const changes = parseAttemptPatch(id, patch);
    const attempt = this.#attempts.get(id);
    if (!attempt) return null;
    const updated = { ...attempt, ...keepAttemptIdentity(attempt, changes) };
    this.#attempts.set(id, updated);
    return copy(updated);
  }

  async claimCallback(
    receipt: { callback_id: string; run_id: string; attempt_id: string },
    staleAfterMs: number,
  ): Promise<ClaimResult> {
    this.#open();
    const stale = parseStaleAfter(staleAfterMs);
    this.#attemptOfCallback(receipt);
    const now = new Date();
    const existing = this.#receipts.get(receipt.callback_id);
    if (existing?.state === "processed") return { kind: "processed", receipt: copy(existing) };
    if (existing && now.getTime() - Date.parse(existing.claimed_at) < stale) {
      return { kind: "processing" };
    }
    this.#receipts.set(receipt.callback_id, {
      callback_id: receipt.callback_id,
      run_id: receipt.run_id,
      attempt_id: receipt.attempt_id,
      state: "processing",
      outcome: null,
      claimed_at: now.toISOString(),
      processed_at: null,
    });
    return { kind: "claimed" };
  }

  async releaseCallback(callbackId: string): Promise<void> {
    this.#open();
    if (this.#receipts.get(callbackId)?.state === "processing") this.#receipts.delete(callbackId);
  }

  async completeCallback(completion: CallbackCompletion): Promise<RunRecord> {
    this.#open();
    const done = parseCompletion(completion);
    const run = this.#runs.get(done.run_id);
    if (!run) throw new ValidibotError("run_not_found", `run ${done.run_id} does not exist`);
    const attempt = this.#attemptOfCallback(done);
    const existing = this.#receipts.get(done.callback_id);
    if (existing?.state === "processed") return copy(run);

    // A result for a run that has moved on is recorded as late; it changes nothing else.
    const late = done.runPatch !== null && !done.expectRunStatus.includes(run.status);
    const now = new Date().toISOString();
    this.#receipts.set(done.callback_id, {
      callback_id: done.callback_id,
      run_id: done.run_id,
      attempt_id: done.attempt_id,
      state: "processed",
      outcome: late ? "late_callback_ignored" : done.outcome,
      claimed_at: existing?.claimed_at ?? now,
      processed_at: now,
    });
    if (late) return copy(run);
    let after = run;
    if (done.runPatch) {
      after = { ...run, ...done.runPatch };
      this.#putRun(after);
    }
    if (done.attemptPatch) this.#attempts.set(attempt.id, { ...attempt, ...done.attemptPatch });
    const results = this.#resultsOf(done.attempt_id);
    for (const finding of done.findings) {
      if (!results.findings.has(finding.seq)) results.findings.set(finding.seq, finding);
    }
    for (const metric of done.metrics) {
      if (!results.metrics.has(metric.seq)) results.metrics.set(metric.seq, metric);
    }
    done.artifacts.forEach((artifact, seq) => {
      if (!results.artifacts.has(seq)) results.artifacts.set(seq, artifact);
    });
    if (after !== run && done.runPatch?.status !== undefined) this.#announce(after);
    return copy(after);
  }

  async getReceipt(callbackId: string): Promise<CallbackReceipt | null> {
    this.#open();
    const receipt = this.#receipts.get(callbackId);
    return receipt ? copy(receipt) : null;
  }

  async listFindings(runId: string): Promise<FindingRecord[]> {
    return this.#collect(runId, (results) => results.findings);
  }

  async listMetrics(runId: string): Promise<MetricRecord[]> {
    return this.#collect(runId, (results) => results.metrics);
  }

  async listArtifacts(runId: string): Promise<ArtifactRecord[]> {
    return this.#collect(runId, (results) => results.artifacts);
  }

  async countFindings(runId: string): Promise<{ INFO: number; WARNING: number; ERROR: number }> {
    const counts = { INFO: 0, WARNING: 0, ERROR: 0 };
    for (const finding of this.#collect(runId, (results) => results.findings)) {
      counts[finding.severity] += 1;
    }
    return counts;
  }

  async listOverdueRuns(now: string, limit: number): Promise<RunRecord[]> {
    this.#open();
    return this.#overdue(parseInstant(now, "now"), parseLimit(limit, limit)).map(copy);
  }

  async claimOverdueRuns(now: string, limit: number, leaseUntil: string): Promise<RunRecord[]> {
    this.#open();
    const until = parseInstant(leaseUntil, "leaseUntil");
    return this.#overdue(parseInstant(now, "now"), parseLimit(limit, limit)).map((run) => {
      const leased = { ...run, deadline_at: until };
      this.#putRun(leased);
      return copy(leased);
    });
  }

  onRunChanged(listener: (change: RunChange) => void): () => void {
    return this.#listeners.add(listener);
  }

  #open(): void {
    if (this.#closed) throw new ValidibotError("store_unavailable", "the run store is closed");
  }

  #overdue(now: string, limit: number): RunRecord[] {
    const due: RunRecord[] = [];
    for (const id of this.#activeRunIds) {
      const run = this.#runs.get(id);
      if (run?.deadline_at != null && run.deadline_at < now) due.push(run);
    }
    return due.sort(dueFirst).slice(0, limit);
  }

  #putRun(run: RunRecord): void {
    this.#runs.set(run.id, run);
    if (ACTIVE_RUN_STATUSES.includes(run.status)) this.#activeRunIds.add(run.id);
    else this.#activeRunIds.delete(run.id);
  }

  #checkNewAttempt(attempt: AttemptRecord): void {
    if (this.#attempts.has(attempt.id)) {
      throw new ValidibotError("store_conflict", `attempt ${attempt.id} exists already`);
    }
    if (this.#attemptIdByCallbackId.has(attempt.callback_id)) {
      throw new ValidibotError("store_conflict", `callback_id ${attempt.callback_id} is taken`);
    }
    for (const other of this.#attempts.values()) {
      if (other.run_id === attempt.run_id && other.number === attempt.number) {
        throw new ValidibotError(
          "store_conflict",
          `run ${attempt.run_id} has attempt ${attempt.number}`,
        );
      }
    }
  }

  #putAttempt(attempt: AttemptRecord): void {
    this.#attempts.set(attempt.id, attempt);
    this.#attemptIdByCallbackId.set(attempt.callback_id, attempt.id);
  }

  #attemptOfCallback(ids: {
    callback_id: string;
    run_id: string;
    attempt_id: string;
  }): AttemptRecord {
    parseId(ids.callback_id, "callback_id");
    const attempt = this.#attempts.get(ids.attempt_id);
    if (!attempt || attempt.run_id !== ids.run_id || attempt.callback_id !== ids.callback_id) {
      throw new ValidibotError(
        "callback_unknown",
        `callback ${ids.callback_id} is not attempt ${ids.attempt_id} of run ${ids.run_id}`,
      );
    }
    return attempt;
  }

  #resultsOf(attemptId: string): AttemptResults {
    let results = this.#results.get(attemptId);
    if (!results) {
      results = { findings: new Map(), metrics: new Map(), artifacts: new Map() };
      this.#results.set(attemptId, results);
    }
    return results;
  }

  #collect<T>(runId: string, pick: (results: AttemptResults) => Map<number, T>): T[] {
    this.#open();
    const out: T[] = [];
    for (const attempt of [...this.#attempts.values()].sort((a, b) => a.number - b.number)) {
      if (attempt.run_id !== runId) continue;
      const results = this.#results.get(attempt.id);
      if (!results) continue;
      const bySeq = pick(results);
      for (const seq of [...bySeq.keys()].sort((a, b) => a - b))
        out.push(copy(bySeq.get(seq) as T));
    }
    return out;
  }

  #announce(run: RunRecord): void {
    this.#listeners.emit({ run_id: run.id, status: run.status });
  }
}
