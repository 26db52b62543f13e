// The `reconcile` benchmark: one reconcile() pass over 100 overdue runs among 100,000 finished
// ones, against the same among 1,000 finished ones. The overdue index should make both cost the
// same: the time must follow the overdue runs, not all runs.
// Run alone: npx tsx bench/reconcile.bench.ts   (part of `npm run bench`)
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { WorkerKeyAuthenticator } from "../packages/sdk/src/auth/worker-key";
import type { AttemptRecord, RunRecord } from "../packages/sdk/src/model";
import { createValidationService } from "../packages/sdk/src/service";
import { MemoryStorage } from "../packages/sdk/src/storage/memory-storage";
import { SqliteRunStore } from "../packages/sdk/src/store/sqlite-store";
import { ENERGYPLUS } from "../packages/sdk/test/service/harness";
import { RecordingLauncher } from "../packages/sdk/test/service/recording-launcher";
import { type BenchResult, benchMain, compare, median } from "./lib/report";

const OVERDUE = 100;
const REPEATS = 9;
const NOW = Date.parse("2026-06-01T00:00:00Z");

function records(
  index: number,
  finished: boolean,
  tag: string,
  storage = "bench",
): [RunRecord, AttemptRecord] {
  const id = `${tag}-${index}`;
  const created = new Date(NOW - 86_400_000 + index).toISOString();
  const run: RunRecord = {
    id,
    org_id: "org",
    org_name: "Org",
    workflow_id: "wf",
    step_id: "step",
    step_name: null,
    step_run_id: `sr-${id}`,
    validator_id: ENERGYPLUS.id,
    validator_type: "ENERGYPLUS",
    validator_version: "1",
    status: finished ? "SUCCEEDED" : "RUNNING",
    error_category: null,
    error_message: null,
    result_status: finished ? "success" : null,
    inputs: {},
    files: [],
    tags: [],
    current_attempt_id: `att-${id}`,
    attempt_count: 1,
    created_at: created,
    updated_at: created,
    started_at: created,
    finished_at: finished ? created : null,
    deadline_at: new Date(NOW - 60_000).toISOString(),
    rulesets: [],
    ruleset_sha256: null,
    assertion_results: [],
  };
  const attempt: AttemptRecord = {
    id: `att-${id}`,
    run_id: id,
    number: 1,
    status: finished ? "COMPLETED" : "LAUNCHED",
    callback_id: `execution-attempt-${id}`,
    nonce_commitment: "0".repeat(64),
    bundle_uri: `memory://${storage}/runs/org/${id}/attempts/att-${id}/`,
    input_uri: `memory://${storage}/runs/org/${id}/attempts/att-${id}/input.json`,
    output_uri: `memory://${storage}/runs/org/${id}/attempts/att-${id}/output.json`,
    input_sha256: "0".repeat(64),
    timeout_seconds: 60,
    launcher: "recording",
    execution_ref: `exec-${id}`,
    launch_error: null,
    stdout_tail: null,
    stderr_tail: null,
    created_at: created,
    launched_at: created,
    finished_at: null,
  };
  return [run, attempt];
}

/** A service on a fresh SQLite file holding `finished` finished runs. */
async function storeWith(finished: number) {
  const dir = mkdtempSync(join(tmpdir(), "validibot-bench-reconcile-"));
  const name = `bench-${finished}`;
  const store = new SqliteRunStore({ path: join(dir, "runs.sqlite") });
  const service = await createValidationService({
    store,
    storage: new MemoryStorage({ name }),
    launcher: new RecordingLauncher(),
    validators: [ENERGYPLUS],
    callbacks: {
      url: null,
      authenticator: new WorkerKeyAuthenticator({ key: "bench-worker-key-0123456789" }),
    },
    now: () => new Date(NOW),
  });
  for (let i = 0; i < finished; i += 1) await store.createRun(...records(i, true, "done", name));
  return {
    name,
    store,
    service,
    close: async () => {
      await service.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Median time (ms) of reconcile() over OVERDUE fresh overdue runs, for each store, the two
 * measured alternately after a warm-up pass so neither gets a warmer process.
 */
async function measure(sizes: number[]): Promise<{ medianMs: number; endedPerPass: number }[]> {
  const setups = [];
  for (const size of sizes) setups.push(await storeWith(size));
  try {
    const times: number[][] = sizes.map(() => []);
    const ended: number[] = sizes.map(() => 0);
    for (let repeat = 0; repeat <= REPEATS; repeat += 1) {
      for (const [index, setup] of setups.entries()) {
        for (let i = 0; i < OVERDUE; i += 1)
          await setup.store.createRun(...records(i, false, `late${repeat}`, setup.name));
        const t0 = performance.now();
        const summary = await setup.service.reconcile();
        if (repeat > 0) times[index]?.push(performance.now() - t0);
        ended[index] = summary.timedOut;
      }
    }
    return sizes.map((_, index) => ({
      medianMs: median(times[index] ?? []),
      endedPerPass: ended[index] ?? 0,
    }));
  } finally {
    for (const setup of setups) await setup.close();
  }
}

/** The benchmark as `npm run bench` runs it. */
export async function run(): Promise<BenchResult> {
  const [small, large] = (await measure([1_000, 100_000])) as [
    { medianMs: number; endedPerPass: number },
    { medianMs: number; endedPerPass: number },
  ];
  if (small.endedPerPass !== OVERDUE || large.endedPerPass !== OVERDUE) {
    throw new Error(
      `reconcile ended ${small.endedPerPass} and ${large.endedPerPass} runs, expected ${OVERDUE}`,
    );
  }
  return {
    name: "reconcile",
    description: `One reconcile() pass ending ${OVERDUE} overdue runs (SQLite), median of ${REPEATS} after a warm-up pass, alternating the two stores, with 100,000 finished runs in the store, against the same pass with 1,000 finished runs. A ratio near 1 means the cost follows the overdue runs, not all runs.`,
    figures: [
      compare(
        "reconcile pass, 100,000 finished runs",
        large.medianMs,
        small.medianMs,
        "ms",
        "1,000 finished runs",
      ),
      { label: "per overdue run, 100,000 finished", value: large.medianMs / OVERDUE, unit: "ms" },
    ],
  };
}

if (import.meta.url === `file://${process.argv[1]}`) await benchMain(run);
