import type { RunStatus } from "@validibot/contracts";
import { afterEach, describe, expect, it } from "vitest";
import type { AttemptRecord, RunRecord } from "../../src/model";
import type { CallbackCompletion, RunChange, RunStore } from "../../src/store/types";
import { at, makeAttempt, makeCompletion, makeFindings, makeRun } from "./fixtures";

/** How the conformance suite gets stores of one kind. */
export interface StoreHarness {
  /** A fresh, initialised, empty store. */
  open(): Promise<RunStore>;
  /** A second, initialised store on the same data as `store` (same file, same schema), if the kind has one. */
  reopen?(store: RunStore): Promise<RunStore>;
  /** Whether the store has `onRunChanged` (it can tell every change); else callers poll. */
  announcesChanges: boolean;
  /** Settles once `store.onRunChanged` receives changes (PostgreSQL: LISTEN is active). */
  listening?(store: RunStore): Promise<void>;
}

/** Waits for the first change that `accept` takes, as seen by `store.onRunChanged`. */
export function nextChange(
  store: RunStore,
  accept: (change: RunChange) => boolean,
): Promise<RunChange> {
  return new Promise((resolve) => {
    const off = store.onRunChanged?.((change) => {
      if (!accept(change)) return;
      off?.();
      resolve(change);
    });
  });
}

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<void> {
  await expect(promise).rejects.toMatchObject({ name: "ValidibotError", code });
}

/**
 * Registers the `RunStore` conformance tests for one kind of store: every store must pass
 * all of them, so the service behaves the same on memory, SQLite and PostgreSQL.
 */
export function runStoreConformance(name: string, harness: StoreHarness): void {
  describe(`${name}: RunStore conformance`, () => {
    const opened: RunStore[] = [];

    afterEach(async () => {
      for (const store of opened.splice(0)) await store.close();
    });

    async function open(): Promise<RunStore> {
      const store = await harness.open();
      opened.push(store);
      return store;
    }

    async function seed(
      store: RunStore,
      runFields: Partial<RunRecord> = {},
      attemptFields: Partial<AttemptRecord> = {},
    ): Promise<{ run: RunRecord; attempt: AttemptRecord }> {
      const run = makeRun(runFields);
      const attempt = makeAttempt(run, attemptFields);
      await store.createRun(run, attempt);
      const stored = await store.getRun(run.id);
      if (!stored) throw new Error("seeded run is missing");
      return { run: stored, attempt };
    }

    describe("runs and attempts", () => {
      it("stores a run with its first attempt and gives both back exactly", async () => {
        const store = await open();
        const run = makeRun();
        const attempt = makeAttempt(run);
        await store.createRun(run, attempt);

        expect(await store.getRun(run.id)).toEqual({
          ...run,
          current_attempt_id: attempt.id,
          attempt_count: 1,
        });
        expect(await store.getAttempt(attempt.id)).toEqual(attempt);
        expect(await store.getAttemptByCallbackId(attempt.callback_id)).toEqual(attempt);
        expect(await store.listAttempts(run.id)).toEqual([attempt]);
        expect(await store.getRun("run-absent")).toBeNull();
        expect(await store.getAttempt("attempt-absent")).toBeNull();
        expect(await store.getAttemptByCallbackId("execution-attempt-absent")).toBeNull();
      });

      it("keeps a run's rulesets, their hash and assertion results, and patches the results", async () => {
        const store = await open();
        const ruleset = {
          id: "lag-acceptance",
          assertions: [
            {
              id: "settles",
              stage: "output" as const,
              severity: "ERROR" as const,
              target: "outputs.output_values.x",
              operator: "between" as const,
              min: 0.95,
              max: 1.05,
              message: "x ended at {{ value | round(3) }}",
            },
            {
              id: "horizon",
              stage: "input" as const,
              severity: "WARNING" as const,
              cel: "inputs['a.b'] <= 3600.0",
            },
          ],
        };
        const inputResult = {
          ruleset_id: "lag-acceptance",
          assertion_id: "horizon",
          stage: "input" as const,
          severity: "WARNING" as const,
          outcome: "failed" as const,
          path: "inputs['a.b'] <= 3600.0",
          message: "stop time 7200 is over an hour",
        };
        const { run, attempt } = await seed(store, {
          rulesets: [ruleset],
          ruleset_sha256: "b".repeat(64),
          assertion_results: [inputResult],
        });
        expect(run.rulesets).toEqual([ruleset]);
        expect(run.ruleset_sha256).toBe("b".repeat(64));
        expect(run.assertion_results).toEqual([inputResult]);

        const outputResult = {
          ...inputResult,
          assertion_id: "settles",
          stage: "output" as const,
          outcome: "passed" as const,
          message: null,
        };
        await store.completeCallback({
          callback_id: attempt.callback_id,
          run_id: run.id,
          attempt_id: attempt.id,
          outcome: "accepted",
          runPatch: { status: "SUCCEEDED", assertion_results: [inputResult, outputResult] },
          expectRunStatus: ["PENDING", "RUNNING"],
          attemptPatch: null,
          findings: [],
          metrics: [],
          artifacts: [],
        });
        const after = await store.getRun(run.id);
        expect(after?.assertion_results).toEqual([inputResult, outputResult]);
        expect(after?.rulesets).toEqual([ruleset]);
        const plain = await seed(store);
        expect(plain.run).toMatchObject({
          rulesets: [],
          ruleset_sha256: null,
          assertion_results: [],
        });
        await expect(
          store.updateRun(run.id, {
            assertion_results: [{ ...inputResult, outcome: "maybe" as "failed" }],
          }),
        ).rejects.toThrow();
      });

      it("keeps its own copies: changing objects given or returned changes nothing stored", async () => {
        const store = await open();
        const run = makeRun();
        const attempt = makeAttempt(run);
        await store.createRun(run, attempt);
        const expected = structuredClone(await store.getRun(run.id));

        (run.inputs.options as { weather: string }).weather = "changed";
        run.tags.push("changed");
        attempt.status = "CANCELED";
        const read = await store.getRun(run.id);
        if (!read) throw new Error("missing");
        read.files.length = 0;
        read.status = "FAILED";

        expect(await store.getRun(run.id)).toEqual(expected);
        expect((await store.getAttempt(attempt.id))?.status).toBe("PENDING");
      });

      it("keeps a run's trace id, reads an absent one as null, refuses one that is not a trace id", async () => {
        const store = await open();
        const traced = makeRun({ trace_id: "0af7651916cd43dd8448eb211c80319c" });
        await store.createRun(traced, makeAttempt(traced));
        expect((await store.getRun(traced.id))?.trace_id).toBe("0af7651916cd43dd8448eb211c80319c");

        const { trace_id: _dropped, ...untraced } = makeRun();
        await store.createRun(untraced, makeAttempt(untraced));
        expect((await store.getRun(untraced.id))?.trace_id).toBeNull();

        const bad = makeRun({ trace_id: "00-not-a-trace-id" });
        await rejectsWith(store.createRun(bad, makeAttempt(bad)), "invalid_request");
        expect(await store.getRun(bad.id)).toBeNull();
      });

      it("normalises instants to UTC in toISOString form", async () => {
        const store = await open();
        const run = makeRun({
          created_at: "2025-03-01T12:00:00+02:00",
          deadline_at: "2025-03-01T10:30:00.5Z",
        });
        await store.createRun(run, makeAttempt(run, { created_at: "2025-03-01T10:00:00Z" }));
        const stored = await store.getRun(run.id);
        expect(stored?.created_at).toBe("2025-03-01T10:00:00.000Z");
        expect(stored?.deadline_at).toBe("2025-03-01T10:30:00.500Z");
        const [attempt] = await store.listAttempts(run.id);
        expect(attempt?.created_at).toBe("2025-03-01T10:00:00.000Z");
      });

      it("refuses a run id or callback id already taken with store_conflict, writing nothing", async () => {
        const store = await open();
        const { run, attempt } = await seed(store);

        const again = makeAttempt(run);
        await rejectsWith(store.createRun(makeRun({ id: run.id }), again), "store_conflict");
        expect(await store.getAttempt(again.id)).toBeNull();

        const other = makeRun();
        const clash = makeAttempt(other, { callback_id: attempt.callback_id });
        await rejectsWith(store.createRun(other, clash), "store_conflict");
        expect(await store.getRun(other.id)).toBeNull();

        const second = makeAttempt(run, { number: 2, callback_id: attempt.callback_id });
        await rejectsWith(store.addAttempt(second), "store_conflict");
        expect(await store.getAttempt(second.id)).toBeNull();
        expect(await store.getRun(run.id)).toEqual(run);
      });

      it("refuses malformed records with invalid_request, writing nothing", async () => {
        const store = await open();
        const cases: [string, RunRecord, (run: RunRecord) => AttemptRecord][] = [
          ["unknown status", makeRun({ status: "DONE" as RunStatus }), (r) => makeAttempt(r)],
          [
            "instant without zone",
            makeRun({ created_at: "2025-01-01T00:00:00" }),
            (r) => makeAttempt(r),
          ],
          ["unknown field", { ...makeRun(), colour: "red" } as RunRecord, (r) => makeAttempt(r)],
          ["NUL in text", makeRun({ error_message: "a\u0000b" }), (r) => makeAttempt(r)],
          ["attempt of another run", makeRun(), () => makeAttempt(makeRun())],
          ["attempt number 0", makeRun(), (r) => makeAttempt(r, { number: 0 })],
        ];
        for (const [label, run, attemptOf] of cases) {
          await rejectsWith(store.createRun(run, attemptOf(run)), "invalid_request").catch(
            (error: unknown) => {
              throw new Error(`${label}: ${String(error)}`);
            },
          );
          expect(await store.getRun(run.id), label).toBeNull();
        }
        expect((await store.listRuns()).items).toEqual([]);
      });

      it("adds further attempts, each becoming the run's current one", async () => {
        const store = await open();
        const { run, attempt } = await seed(store);
        const second = makeAttempt(run, { number: 2, created_at: at(5) });
        await store.addAttempt(second);

        const after = await store.getRun(run.id);
        expect(after?.current_attempt_id).toBe(second.id);
        expect(after?.attempt_count).toBe(2);
        expect(after?.updated_at).toBe(at(5));
        expect((await store.listAttempts(run.id)).map((a) => a.id)).toEqual([
          attempt.id,
          second.id,
        ]);
        expect(await store.getAttemptByCallbackId(second.callback_id)).toEqual(second);

        await rejectsWith(store.addAttempt(makeAttempt(run, { number: 2 })), "store_conflict");
        await rejectsWith(store.addAttempt(makeAttempt(makeRun())), "run_not_found");
        expect((await store.getRun(run.id))?.attempt_count).toBe(2);
      });

      it("updates attempts, keeping their identity", async () => {
        const store = await open();
        const { attempt } = await seed(store);
        const updated = await store.updateAttempt(attempt.id, {
          status: "LAUNCHED",
          execution_ref: "projects/p/locations/l/jobs/j/executions/e-1",
          launched_at: at(1),
          stdout_tail: "line 1\nline 2",
        });
        const expected = {
          ...attempt,
          status: "LAUNCHED",
          execution_ref: "projects/p/locations/l/jobs/j/executions/e-1",
          launched_at: at(1),
          stdout_tail: "line 1\nline 2",
        };
        expect(updated).toEqual(expected);
        expect(await store.getAttempt(attempt.id)).toEqual(expected);
        expect(await store.updateAttempt("attempt-absent", { status: "LAUNCHED" })).toBeNull();
        await rejectsWith(
          store.updateAttempt(attempt.id, { callback_id: "execution-attempt-other" }),
          "invalid_request",
        );
        await rejectsWith(
          store.updateAttempt(attempt.id, { run_id: "run-other" }),
          "invalid_request",
        );
        expect(await store.getAttempt(attempt.id)).toEqual(expected);
      });
    });

    describe("listRuns", () => {
      it("pages newest first by (created_at, id) with no run missed or repeated", async () => {
        const store = await open();
        const statuses: RunStatus[] = ["PENDING", "RUNNING", "SUCCEEDED", "FAILED", "RUNNING"];
        const runs: RunRecord[] = [];
        for (let i = 0; i < 130; i++) {
          // Few distinct instants, so many runs tie on created_at and the id decides.
          const run = makeRun({
            id: `run-${String((i * 37) % 130).padStart(3, "0")}`,
            created_at: at(i % 9),
            status: statuses[i % statuses.length],
          });
          runs.push(run);
        }
        await Promise.all(runs.map((run) => store.createRun(run, makeAttempt(run))));
        const order = (a: RunRecord, b: RunRecord) =>
          a.created_at !== b.created_at
            ? b.created_at.localeCompare(a.created_at)
            : b.id.localeCompare(a.id);

        async function pageAll(status?: RunStatus): Promise<string[]> {
          const seen: string[] = [];
          let cursor: string | undefined;
          for (;;) {
            const page = await store.listRuns({ status, limit: 7, cursor });
            expect(page.items.length).toBeLessThanOrEqual(7);
            seen.push(...page.items.map((run) => run.id));
            if (page.next_cursor === null) return seen;
            expect(page.items).toHaveLength(7);
            cursor = page.next_cursor;
          }
        }

        expect(await pageAll()).toEqual([...runs].sort(order).map((run) => run.id));
        for (const status of ["RUNNING", "FAILED", "CANCELED"] as RunStatus[]) {
          const expected = runs.filter((run) => run.status === status).sort(order);
          expect(await pageAll(status)).toEqual(expected.map((run) => run.id));
        }

        const first = await store.listRuns();
        expect(first.items).toHaveLength(50);
        expect(first.items[0]).toEqual(await store.getRun(first.items[0]?.id ?? ""));
        expect(first.next_cursor).not.toBeNull();
        const all = await store.listRuns({ limit: 130 });
        expect(all.items).toHaveLength(130);
        expect(all.next_cursor).toBeNull();
      });

      it("lists one organization's runs only, paged, when orgId is given", async () => {
        const store = await open();
        const runs = Array.from({ length: 9 }, (_, i) =>
          makeRun({
            id: `run-org-${i}`,
            org_id: i % 3 === 0 ? "org-b" : "org-a",
            created_at: at(i),
          }),
        );
        for (const run of runs) await store.createRun(run, makeAttempt(run));
        const seen: string[] = [];
        let cursor: string | undefined;
        do {
          const page = await store.listRuns({ orgId: "org-b", limit: 2, cursor });
          seen.push(...page.items.map((run) => run.id));
          cursor = page.next_cursor ?? undefined;
        } while (cursor);
        expect(seen).toEqual(["run-org-6", "run-org-3", "run-org-0"]);
        expect((await store.listRuns({ orgId: "org-a", status: "PENDING" })).items).toHaveLength(6);
        expect((await store.listRuns({ orgId: "org-none" })).items).toEqual([]);
      });

      it("gives an empty last page and refuses bad cursors and limits", async () => {
        const store = await open();
        expect(await store.listRuns()).toEqual({ items: [], next_cursor: null });
        await rejectsWith(store.listRuns({ cursor: "not-a-cursor" }), "invalid_request");
        await rejectsWith(
          store.listRuns({ cursor: Buffer.from('["yesterday","x"]').toString("base64url") }),
          "invalid_request",
        );
        await rejectsWith(store.listRuns({ limit: 0 }), "invalid_request");
        await rejectsWith(store.listRuns({ limit: 2.5 }), "invalid_request");
        await rejectsWith(store.listRuns({ status: "DONE" as RunStatus }), "invalid_request");
      });
    });

    describe("updateRun", () => {
      it("applies a patch only when the run is in an expected status", async () => {
        const store = await open();
        const { run } = await seed(store);

        expect(await store.updateRun(run.id, { status: "SUCCEEDED" }, ["RUNNING"])).toBeNull();
        expect(await store.updateRun(run.id, { status: "SUCCEEDED" }, [])).toBeNull();
        expect(await store.getRun(run.id)).toEqual(run);

        const running = await store.updateRun(
          run.id,
          { status: "RUNNING", started_at: at(1), updated_at: at(1), deadline_at: at(61) },
          ["PENDING"],
        );
        const expected = {
          ...run,
          status: "RUNNING",
          started_at: at(1),
          updated_at: at(1),
          deadline_at: at(61),
        };
        expect(running).toEqual(expected);
        expect(await store.getRun(run.id)).toEqual(expected);

        const any = await store.updateRun(run.id, { error_message: "note", inputs: { a: [1] } });
        expect(any).toEqual({ ...expected, error_message: "note", inputs: { a: [1] } });
        expect(await store.updateRun("run-absent", { status: "RUNNING" })).toBeNull();
      });

      it("refuses patches of unknown fields or of the id", async () => {
        const store = await open();
        const { run } = await seed(store);
        await rejectsWith(
          store.updateRun(run.id, { colour: "red" } as Partial<RunRecord>),
          "invalid_request",
        );
        await rejectsWith(store.updateRun(run.id, { id: "run-other" }), "invalid_request");
        await rejectsWith(store.updateRun(run.id, { finished_at: "soon" }), "invalid_request");
        expect(await store.getRun(run.id)).toEqual(run);
      });

      it("lets exactly one of many concurrent compare-and-set updates win", async () => {
        const store = await open();
        const { run } = await seed(store, { status: "RUNNING" });
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            store.updateRun(run.id, { status: "CANCELED", error_message: `by ${i}` }, ["RUNNING"]),
          ),
        );
        const winners = results.filter((result) => result !== null);
        expect(winners).toHaveLength(1);
        expect(await store.getRun(run.id)).toEqual(winners[0]);
      });
    });

    describe("callback receipts", () => {
      it("of 50 concurrent claims, exactly one is claimed and the rest see processing", async () => {
        const store = await open();
        const { attempt } = await seed(store, { status: "RUNNING" });
        const ids = {
          callback_id: attempt.callback_id,
          run_id: attempt.run_id,
          attempt_id: attempt.id,
        };
        const results = await Promise.all(
          Array.from({ length: 50 }, () => store.claimCallback(ids, 60_000)),
        );
        expect(results.filter((r) => r.kind === "claimed")).toHaveLength(1);
        expect(results.filter((r) => r.kind === "processing")).toHaveLength(49);
        expect(await store.getReceipt(attempt.callback_id)).toMatchObject({
          ...ids,
          state: "processing",
          outcome: null,
          processed_at: null,
        });
      });

      it("answers processed, with the outcome, once the callback was completed", async () => {
        const store = await open();
        const { attempt } = await seed(store, { status: "RUNNING" });
        const ids = {
          callback_id: attempt.callback_id,
          run_id: attempt.run_id,
          attempt_id: attempt.id,
        };
        expect(await store.claimCallback(ids, 60_000)).toEqual({ kind: "claimed" });
        await store.completeCallback(makeCompletion(attempt));

        const again = await store.claimCallback(ids, 0);
        expect(again.kind).toBe("processed");
        const receipt = again.kind === "processed" ? again.receipt : null;
        expect(receipt).toMatchObject({ ...ids, state: "processed", outcome: "accepted" });
        expect(receipt?.processed_at).toEqual(expect.any(String));
        expect(await store.getReceipt(attempt.callback_id)).toEqual(receipt);
      });

      it("takes over a processing claim older than staleAfterMs, and only such a one", async () => {
        const store = await open();
        const { attempt } = await seed(store, { status: "RUNNING" });
        const ids = {
          callback_id: attempt.callback_id,
          run_id: attempt.run_id,
          attempt_id: attempt.id,
        };
        expect(await store.claimCallback(ids, 60_000)).toEqual({ kind: "claimed" });
        expect(await store.claimCallback(ids, 60_000)).toEqual({ kind: "processing" });
        expect(await store.claimCallback(ids, 0)).toEqual({ kind: "claimed" });
        expect(await store.claimCallback(ids, 60_000)).toEqual({ kind: "processing" });
      });

      it("lets exactly one of many concurrent callers take over a stale claim", async () => {
        const store = await open();
        const { attempt } = await seed(store, { status: "RUNNING" });
        const ids = {
          callback_id: attempt.callback_id,
          run_id: attempt.run_id,
          attempt_id: attempt.id,
        };
        expect(await store.claimCallback(ids, 60_000)).toEqual({ kind: "claimed" });
        // Let the claim age past a window wide enough that the takeover renews it for the rest.
        await new Promise((resolve) => setTimeout(resolve, 400));
        const takeovers = await Promise.all(
          Array.from({ length: 10 }, () => store.claimCallback(ids, 300)),
        );
        expect(takeovers.filter((r) => r.kind === "claimed")).toHaveLength(1);
        expect(takeovers.filter((r) => r.kind === "processing")).toHaveLength(9);
      });

      it("releases a processing claim so a retry can claim it, but never a processed one", async () => {
        const store = await open();
        const { attempt } = await seed(store, { status: "RUNNING" });
        const ids = {
          callback_id: attempt.callback_id,
          run_id: attempt.run_id,
          attempt_id: attempt.id,
        };
        await store.claimCallback(ids, 60_000);
        await store.releaseCallback(attempt.callback_id);
        expect(await store.getReceipt(attempt.callback_id)).toBeNull();
        expect(await store.claimCallback(ids, 60_000)).toEqual({ kind: "claimed" });

        await store.completeCallback(makeCompletion(attempt));
        await store.releaseCallback(attempt.callback_id);
        expect((await store.getReceipt(attempt.callback_id))?.state).toBe("processed");
        expect((await store.claimCallback(ids, 0)).kind).toBe("processed");
      });

      it("refuses to claim a callback id that is not that attempt's", async () => {
        const store = await open();
        const { attempt } = await seed(store);
        const { attempt: other } = await seed(store);
        await rejectsWith(
          store.claimCallback(
            {
              callback_id: "execution-attempt-unknown",
              run_id: attempt.run_id,
              attempt_id: attempt.id,
            },
            60_000,
          ),
          "callback_unknown",
        );
        await rejectsWith(
          store.claimCallback(
            { callback_id: attempt.callback_id, run_id: other.run_id, attempt_id: attempt.id },
            60_000,
          ),
          "callback_unknown",
        );
        await rejectsWith(
          store.claimCallback(
            { callback_id: attempt.callback_id, run_id: attempt.run_id, attempt_id: attempt.id },
            -1,
          ),
          "invalid_request",
        );
        expect(await store.getReceipt(attempt.callback_id)).toBeNull();
      });
    });

    describe("completeCallback", () => {
      it("records receipt, run, attempt, findings, metrics and artifacts exactly", async () => {
        const store = await open();
        const { run, attempt } = await seed(store, { status: "RUNNING", started_at: at(1) });
        const ids = { callback_id: attempt.callback_id, run_id: run.id, attempt_id: attempt.id };
        await store.claimCallback(ids, 60_000);
        const completion = makeCompletion(attempt);
        // Out of order on purpose: results are listed by seq.
        completion.findings.reverse();

        const after = await store.completeCallback(completion);
        const expectedRun = {
          ...run,
          status: "SUCCEEDED",
          result_status: "success",
          finished_at: at(30),
          updated_at: at(30),
        };
        expect(after).toEqual(expectedRun);
        expect(await store.getRun(run.id)).toEqual(expectedRun);
        expect(await store.getAttempt(attempt.id)).toEqual({
          ...attempt,
          status: "COMPLETED",
          finished_at: at(30),
        });
        expect(await store.getReceipt(attempt.callback_id)).toMatchObject({
          ...ids,
          state: "processed",
          outcome: "accepted",
        });
        const owner = { run_id: run.id, attempt_id: attempt.id };
        expect(await store.listFindings(run.id)).toEqual(makeFindings(owner));
        expect(await store.listMetrics(run.id)).toEqual(completion.metrics);
        expect(await store.listArtifacts(run.id)).toEqual(completion.artifacts);
        expect(await store.countFindings(run.id)).toEqual({ INFO: 1, WARNING: 1, ERROR: 1 });
        expect(await store.countFindings("run-absent")).toEqual({ INFO: 0, WARNING: 0, ERROR: 0 });
        const metrics = await store.listMetrics(run.id);
        expect(typeof metrics[0]?.value).toBe("number");
        expect(typeof metrics[1]?.value).toBe("string");
      });

      it("leaves a run that is no longer expected alone, and still records the receipt", async () => {
        const store = await open();
        const { run, attempt } = await seed(store, { status: "CANCELED", finished_at: at(2) });
        const after = await store.completeCallback(
          makeCompletion(attempt, {
            outcome: "late_callback_ignored",
            expectRunStatus: ["RUNNING"],
            attemptPatch: null,
            findings: [],
            metrics: [],
            artifacts: [],
          }),
        );
        expect(after).toEqual(run);
        expect(await store.getRun(run.id)).toEqual(run);
        expect(await store.getAttempt(attempt.id)).toEqual(attempt);
        expect(await store.getReceipt(attempt.callback_id)).toMatchObject({
          state: "processed",
          outcome: "late_callback_ignored",
        });
      });

      it("records a result that comes after the run moved on as late, and writes none of it", async () => {
        const store = await open();
        const { run, attempt } = await seed(store, { status: "TIMED_OUT", finished_at: at(2) });
        const completion = makeCompletion(attempt, { expectRunStatus: ["RUNNING"] });
        expect(completion.findings.length).toBeGreaterThan(0);
        const after = await store.completeCallback(completion);
        expect(after).toEqual(run);
        expect(await store.getRun(run.id)).toEqual(run);
        expect(await store.getAttempt(attempt.id)).toEqual(attempt);
        expect(await store.listFindings(run.id)).toEqual([]);
        expect(await store.listMetrics(run.id)).toEqual([]);
        expect(await store.listArtifacts(run.id)).toEqual([]);
        expect(await store.getReceipt(attempt.callback_id)).toMatchObject({
          state: "processed",
          outcome: "late_callback_ignored",
        });
      });

      it("applies a callback once, however often and concurrently it is completed", async () => {
        const store = await open();
        const { run, attempt } = await seed(store, { status: "RUNNING" });
        const completion = makeCompletion(attempt);
        const results = await Promise.all(
          Array.from({ length: 10 }, () => store.completeCallback(completion)),
        );
        for (const result of results) expect(result.id).toBe(run.id);
        const later = await store.completeCallback(
          makeCompletion(attempt, {
            outcome: "late_callback_ignored",
            runPatch: { status: "FAILED", error_category: "RUNTIME_ERROR" },
            expectRunStatus: ["SUCCEEDED"],
            findings: makeFindings({ run_id: run.id, attempt_id: attempt.id }).map((f) => ({
              ...f,
              seq: f.seq + 10,
            })),
          }),
        );
        expect(later.status).toBe("SUCCEEDED");
        expect(await store.listFindings(run.id)).toHaveLength(3);
        expect(await store.listMetrics(run.id)).toHaveLength(2);
        expect(await store.listArtifacts(run.id)).toHaveLength(2);
        expect(await store.countFindings(run.id)).toEqual({ INFO: 1, WARNING: 1, ERROR: 1 });
        expect((await store.getReceipt(attempt.callback_id))?.outcome).toBe("accepted");
      });

      it("writes nothing when any part of the completion is malformed", async () => {
        const store = await open();
        const { run, attempt } = await seed(store, { status: "RUNNING" });
        const ids = { callback_id: attempt.callback_id, run_id: run.id, attempt_id: attempt.id };
        await store.claimCallback(ids, 60_000);
        const foreign = makeFindings({ run_id: "run-other", attempt_id: attempt.id });
        const completion = makeCompletion(attempt);
        const bad = [
          { ...completion, findings: [...completion.findings, { ...foreign[0], seq: 9 }] },
          {
            ...completion,
            findings: [completion.findings[0], { ...completion.findings[1], seq: 0 }],
          },
          { ...completion, metrics: [{ ...completion.metrics[0], value: Number.NaN }] },
          { ...completion, runPatch: { status: "DONE" } },
          { ...completion, attemptPatch: { callback_id: "execution-attempt-other" } },
        ] as unknown as CallbackCompletion[];
        for (const each of bad) await rejectsWith(store.completeCallback(each), "invalid_request");
        await rejectsWith(
          store.completeCallback({ ...completion, callback_id: "execution-attempt-unknown" }),
          "callback_unknown",
        );
        await rejectsWith(
          store.completeCallback(
            makeCompletion(makeAttempt(makeRun()), { findings: [], metrics: [], artifacts: [] }),
          ),
          "run_not_found",
        );

        expect(await store.getRun(run.id)).toEqual(run);
        expect(await store.getAttempt(attempt.id)).toEqual(attempt);
        expect((await store.getReceipt(attempt.callback_id))?.state).toBe("processing");
        expect(await store.listFindings(run.id)).toEqual([]);
        expect(await store.listMetrics(run.id)).toEqual([]);
        expect(await store.listArtifacts(run.id)).toEqual([]);
      });
    });

    describe("overdue runs", () => {
      async function seedOverdue(store: RunStore) {
        const make = async (id: string, status: RunStatus, deadline: string | null) => {
          const run = makeRun({ id, status, deadline_at: deadline });
          await store.createRun(run, makeAttempt(run));
        };
        await make("due-running-3", "RUNNING", at(3));
        await make("due-pending-1", "PENDING", at(1));
        await make("due-running-2b", "RUNNING", at(2));
        await make("due-running-2a", "RUNNING", at(2));
        await make("due-pending-4", "PENDING", at(4));
        await make("future", "RUNNING", at(100));
        await make("exactly-now", "RUNNING", at(10));
        await make("no-deadline", "RUNNING", null);
        await make("done-succeeded", "SUCCEEDED", at(1));
        await make("done-failed", "FAILED", at(1));
        await make("done-canceled", "CANCELED", at(1));
        await make("done-timed-out", "TIMED_OUT", at(1));
      }
      const due = [
        "due-pending-1",
        "due-running-2a",
        "due-running-2b",
        "due-running-3",
        "due-pending-4",
      ];

      it("lists only runs not yet terminal past their deadline, oldest first, up to the limit", async () => {
        const store = await open();
        await seedOverdue(store);
        const ids = async (limit: number) =>
          (await store.listOverdueRuns(at(10), limit)).map((run) => run.id);
        expect(await ids(100)).toEqual(due);
        expect(await ids(3)).toEqual(due.slice(0, 3));
        expect(await ids(1)).toEqual(due.slice(0, 1));
        expect(await store.listOverdueRuns(at(0), 10)).toEqual([]);
        const [first] = await store.listOverdueRuns(at(10), 1);
        expect(first).toEqual(await store.getRun("due-pending-1"));
        await rejectsWith(store.listOverdueRuns("now", 10), "invalid_request");
        await rejectsWith(store.listOverdueRuns(at(10), 0), "invalid_request");
      });

      it("hands each overdue run to one of several concurrent reconcilers, until the lease ends", async () => {
        const store = await open();
        await seedOverdue(store);
        const [a, b] = await Promise.all([
          store.claimOverdueRuns(at(10), 3, at(20)),
          store.claimOverdueRuns(at(10), 3, at(20)),
        ]);
        const taken = [...(a ?? []), ...(b ?? [])].map((run) => run.id);
        expect(new Set(taken).size).toBe(taken.length);
        expect([...taken].sort()).toEqual([...due].sort());
        for (const run of [...(a ?? []), ...(b ?? [])]) expect(run.deadline_at).toBe(at(20));
        expect(a?.map((run) => run.id)).toEqual(due.filter((id) => a?.some((r) => r.id === id)));

        expect(await store.listOverdueRuns(at(10), 100)).toEqual([]);
        expect(await store.claimOverdueRuns(at(10), 100, at(20))).toEqual([]);
        expect((await store.listOverdueRuns(at(21), 100)).map((run) => run.id)).toEqual([
          "exactly-now",
          ...[...due].sort(),
        ]);
        expect((await store.getRun("due-running-3"))?.deadline_at).toBe(at(20));
      });
    });

    describe("lifecycle", () => {
      it("runs its migrations again harmlessly, keeping the data", async () => {
        const store = await open();
        const { run, attempt } = await seed(store);
        await store.init();
        await store.init();
        expect(await store.getRun(run.id)).toEqual(run);
        if (harness.reopen) {
          const second = await harness.reopen(store);
          opened.push(second);
          await second.init();
          expect(await second.getRun(run.id)).toEqual(run);
          expect(await second.getAttemptByCallbackId(attempt.callback_id)).toEqual(attempt);
        }
      });

      it("fails with store_unavailable once closed", async () => {
        const store = await harness.open();
        await store.close();
        await rejectsWith(store.getRun("run-x"), "store_unavailable");
        const run = makeRun();
        await rejectsWith(store.createRun(run, makeAttempt(run)), "store_unavailable");
        await store.close();
      });

      if (!harness.announcesChanges) {
        it("has no onRunChanged, so callers poll", async () => {
          const store = await open();
          expect(store.onRunChanged).toBeUndefined();
        });
        return;
      }

      it("announces status changes to onRunChanged listeners until they unsubscribe", async () => {
        const store = await open();
        if (!store.onRunChanged) throw new Error("onRunChanged is missing");
        await harness.listening?.(store);
        const { run, attempt } = await seed(store);

        const seenByFirst: RunChange[] = [];
        const offFirst = store.onRunChanged((change) => seenByFirst.push(change));
        const running = nextChange(store, (c) => c.run_id === run.id && c.status === "RUNNING");
        await store.updateRun(run.id, { status: "RUNNING" }, ["PENDING"]);
        expect(await running).toEqual({ run_id: run.id, status: "RUNNING" });

        offFirst();
        const succeeded = nextChange(store, (c) => c.run_id === run.id && c.status === "SUCCEEDED");
        await store.completeCallback(makeCompletion(attempt));
        expect(await succeeded).toEqual({ run_id: run.id, status: "SUCCEEDED" });
        // Both listeners get each change together, so the first has seen all it will see.
        expect(seenByFirst).toContainEqual({ run_id: run.id, status: "RUNNING" });
        expect(seenByFirst).not.toContainEqual({ run_id: run.id, status: "SUCCEEDED" });
      });
    });
  });
}
