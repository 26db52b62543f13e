import {
  isTerminalRunStatus,
  type RunErrorCategory,
  type RunStatus,
  safeParseOutputEnvelope,
  type ValidationStatus,
} from "@validibot/contracts";
import type { RunRecord } from "@validibot/sdk";
import type { StorageAdapter } from "@validibot/sdk/storage";
import type { RunStore } from "@validibot/sdk/store";
import { expect } from "vitest";

/** Where each verdict of an output envelope must leave its run. */
const OUTCOME: Record<ValidationStatus, { status: RunStatus; category: RunErrorCategory | null }> =
  {
    success: { status: "SUCCEEDED", category: null },
    failed_validation: { status: "FAILED", category: "VALIDATION_FAILED" },
    failed_runtime: { status: "FAILED", category: "RUNTIME_ERROR" },
    cancelled: { status: "CANCELED", category: null },
  };

/** Attempt states a finished run may leave its attempts in. */
const FINAL_ATTEMPT_STATES = new Set(["COMPLETED", "LAUNCH_FAILED", "CANCELED", "TIMED_OUT"]);

/** What `expectEveryRunSettled` found. */
export interface SettledRuns {
  runs: RunRecord[];
  /** Findings recorded over all runs. */
  findings: number;
  /** Runs whose result came from an `output.json` (callback or reconcile). */
  fromOutput: number;
}

async function readText(storage: StorageAdapter, uri: string): Promise<string | null> {
  const key = storage.keyFor(uri);
  if ((await storage.stat(key)) === null) return null;
  const chunks: Buffer[] = [];
  for await (const chunk of await storage.get(key)) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks).toString("utf8");
}

async function allRuns(store: RunStore): Promise<RunRecord[]> {
  const runs: RunRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listRuns({ limit: 1000, ...(cursor ? { cursor } : {}) });
    runs.push(...page.items);
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  return runs;
}

/**
 * The closing check of every fault scenario, over every run in the store:
 * - the run is terminal, with `finished_at`, and a `FAILED` run names its error category;
 * - each of its attempts is in a final state (none left `PENDING` or `LAUNCHED`);
 * - a run with a verdict (`result_status`) has an `output.json` that parses, the run's status
 *   and category follow that verdict, its callback receipt is processed, and its findings are
 *   exactly the envelope's messages, in order, once each: none lost, none duplicated;
 * - a run without a verdict (ended by the host: launch failure, cancel, timeout) has no findings.
 */
export async function expectEveryRunSettled(
  store: RunStore,
  storage: StorageAdapter,
): Promise<SettledRuns> {
  const runs = await allRuns(store);
  let findings = 0;
  let fromOutput = 0;
  for (const run of runs) {
    const label = `run ${run.id} (${run.status} ${run.error_category ?? ""} ${run.error_message ?? ""})`;
    expect(isTerminalRunStatus(run.status), `${label} is not terminal`).toBe(true);
    expect(run.finished_at, `${label} has no finished_at`).not.toBeNull();
    if (run.status === "FAILED") expect(run.error_category, label).not.toBeNull();
    for (const attempt of await store.listAttempts(run.id)) {
      expect(FINAL_ATTEMPT_STATES.has(attempt.status), `${label}: attempt ${attempt.status}`).toBe(
        true,
      );
    }
    const recorded = await store.listFindings(run.id);
    findings += recorded.length;
    expect(new Set(recorded.map((f) => f.id)).size, `${label}: duplicate finding ids`).toBe(
      recorded.length,
    );
    if (run.result_status === null) {
      expect(recorded, `${label} has findings but no verdict`).toEqual([]);
      continue;
    }
    fromOutput += 1;
    const outcome = OUTCOME[run.result_status];
    expect({ status: run.status, category: run.error_category }, label).toEqual(outcome);
    const attempt = await store.getAttempt(run.current_attempt_id as string);
    expect(attempt, label).not.toBeNull();
    const receipt = await store.getReceipt(attempt?.callback_id as string);
    expect(receipt?.state, `${label}: callback receipt`).toBe("processed");
    const text = await readText(storage, attempt?.output_uri as string);
    expect(text, `${label} has a verdict but no output.json`).not.toBeNull();
    const output = safeParseOutputEnvelope(JSON.parse(text as string));
    expect(output.success, `${label}: output.json does not parse`).toBe(true);
    expect(output.data?.status, label).toBe(run.result_status);
    expect(
      recorded.map((f) => ({ severity: f.severity, code: f.code, message: f.message })),
      `${label}: findings differ from output.json`,
    ).toEqual(
      output.data?.messages.map((m) => ({ severity: m.severity, code: m.code, message: m.text })),
    );
  }
  return { runs, findings, fromOutput };
}
