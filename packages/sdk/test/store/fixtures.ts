import { randomUUID } from "node:crypto";
import type {
  ArtifactRecord,
  AttemptRecord,
  FindingRecord,
  MetricRecord,
  RunRecord,
} from "../../src/model";
import type { CallbackCompletion } from "../../src/store/types";

/** An instant `minutes` after a fixed origin, in `toISOString()` form. */
export function at(minutes: number): string {
  return new Date(Date.UTC(2025, 0, 1) + minutes * 60_000).toISOString();
}

/** A realistic run record; `overrides` replace fields. */
export function makeRun(overrides: Partial<RunRecord> = {}): RunRecord {
  return {
    id: `run-${randomUUID()}`,
    org_id: "org-1",
    org_name: "Acme Engineering",
    workflow_id: "wf-energy",
    step_id: "step-1",
    step_name: "Check the building model",
    step_run_id: `step-run-${randomUUID()}`,
    validator_id: "energyplus",
    validator_type: "ENERGYPLUS",
    validator_version: "24.2.0",
    status: "PENDING",
    error_category: null,
    error_message: null,
    result_status: null,
    inputs: { timestep: 4, options: { weather: "USA_CO_Golden", flags: [true, null, 1.5, "é"] } },
    files: [
      {
        port_key: "model",
        name: "house.epJSON",
        mime_type: "application/vnd.energyplus.epjson",
        size_bytes: 123_456,
        sha256: "a".repeat(64),
      },
    ],
    tags: ["nightly", "ünïcode"],
    current_attempt_id: null,
    attempt_count: 0,
    created_at: at(0),
    updated_at: at(0),
    started_at: null,
    finished_at: null,
    deadline_at: null,
    trace_id: "4bf92f3577b34da6a3ce929d0e0e4736",
    rulesets: [],
    ruleset_sha256: null,
    assertion_results: [],
    ...overrides,
  };
}

/** A realistic attempt of `run`; `overrides` replace fields. */
export function makeAttempt(
  run: Pick<RunRecord, "id">,
  overrides: Partial<AttemptRecord> = {},
): AttemptRecord {
  const id = overrides.id ?? `attempt-${randomUUID()}`;
  const bundle = `file:///var/validibot/runs/${run.id}/${id}/`;
  return {
    id,
    run_id: run.id,
    number: 1,
    status: "PENDING",
    callback_id: `execution-attempt-${randomUUID()}`,
    nonce_commitment: "b".repeat(64),
    bundle_uri: bundle,
    input_uri: `${bundle}input.json`,
    output_uri: `${bundle}output.json`,
    input_sha256: "c".repeat(64),
    timeout_seconds: 3600,
    launcher: "mock",
    execution_ref: null,
    launch_error: null,
    stdout_tail: null,
    stderr_tail: null,
    created_at: at(0),
    launched_at: null,
    finished_at: null,
    ...overrides,
  };
}

/** Three findings of every kind of location, tag and code, in `seq` order. */
export function makeFindings(owner: { run_id: string; attempt_id: string }): FindingRecord[] {
  return [
    {
      ...owner,
      seq: 0,
      id: "f-0",
      severity: "ERROR",
      code: "EP_SEVERE_0042",
      message: "Zone 'Living' has no \"thermostat\"\nsecond line",
      location: { file_role: "model", line: 120, column: 7, path: "$.Zone[0]" },
      tags: ["hvac", "severe"],
    },
    {
      ...owner,
      seq: 1,
      id: "f-1",
      severity: "WARNING",
      code: null,
      message: "Weather file years differ: ☀️ 2019 vs 2020",
      location: { file_role: null, line: null, column: null, path: null },
      tags: [],
    },
    {
      ...owner,
      seq: 2,
      id: "f-2",
      severity: "INFO",
      code: "EP_INFO",
      message: "Simulation completed",
      location: null,
      tags: ["summary"],
    },
  ];
}

/** Metrics with a number and a string value. */
export function makeMetrics(owner: { run_id: string; attempt_id: string }): MetricRecord[] {
  return [
    {
      ...owner,
      seq: 0,
      name: "eui",
      value: 123.456,
      unit: "kWh/m2",
      category: "energy",
      tags: ["site"],
    },
    {
      ...owner,
      seq: 1,
      name: "energyplus_version",
      value: "24.2.0",
      unit: null,
      category: null,
      tags: [],
    },
  ];
}

/** Two artifacts. */
export function makeArtifacts(owner: { run_id: string; attempt_id: string }): ArtifactRecord[] {
  return [
    {
      ...owner,
      name: "eplusout.sql",
      type: "energyplus.sql",
      mime_type: "application/vnd.sqlite3",
      size_bytes: 9_876_543_210,
      sha256: "d".repeat(64),
      uri: `file:///var/validibot/${owner.attempt_id}/outputs/eplusout.sql`,
      storage_version: `sha256:${"d".repeat(64)}`,
    },
    {
      ...owner,
      name: "report.html",
      type: "report",
      mime_type: null,
      size_bytes: 0,
      sha256: "e".repeat(64),
      uri: `file:///var/validibot/${owner.attempt_id}/outputs/report.html`,
      storage_version: "1712345678901234",
    },
  ];
}

/** The completion of a successful callback for `attempt`. */
export function makeCompletion(
  attempt: AttemptRecord,
  overrides: Partial<CallbackCompletion> = {},
): CallbackCompletion {
  const owner = { run_id: attempt.run_id, attempt_id: attempt.id };
  return {
    callback_id: attempt.callback_id,
    run_id: attempt.run_id,
    attempt_id: attempt.id,
    outcome: "accepted",
    runPatch: {
      status: "SUCCEEDED",
      result_status: "success",
      finished_at: at(30),
      updated_at: at(30),
    },
    expectRunStatus: ["PENDING", "RUNNING"],
    attemptPatch: { status: "COMPLETED", finished_at: at(30) },
    findings: makeFindings(owner),
    metrics: makeMetrics(owner),
    artifacts: makeArtifacts(owner),
    ...overrides,
  };
}
