import { callbackNonceCommitment } from "../../src/index";

/** A JSON value, as the corpus stores documents. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
/** A JSON object. */
export type JsonObject = { [key: string]: Json };

/** A valid callback nonce: 43 characters of base64url, the shortest the contract allows. */
export const NONCE = "q2Xo3mZkP0rT8vY1wN5bC7dF9gH4jK6lL0sA2eU_-Zx";
/** The commitment to `NONCE`. */
export const COMMITMENT = callbackNonceCommitment(NONCE);
/** A valid (lowercase hex) SHA-256. */
export const SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

const bundle = "gs://validibot-runs/runs/org-1/run-1/attempts/att-1/";

/** A full generic input envelope (`CUSTOM_VALIDATOR`) with callbacks enabled and every field set. */
export function inputEnvelope(): JsonObject {
  return {
    schema_version: "validibot.input.v1",
    run_id: "run-1",
    validator: { id: "val-1", type: "CUSTOM_VALIDATOR", version: "1.0.0" },
    org: { id: "org-1", name: "Acme" },
    workflow: { id: "wf-1", step_id: "step-1", step_name: "Check model" },
    input_files: [
      {
        name: "model.idf",
        mime_type: "application/vnd.energyplus.idf",
        role: "primary-model",
        port_key: "primary_model",
        uri: `${bundle}model.idf`,
        size_bytes: 1234,
        sha256: SHA,
        storage_version: "1712345678901234",
      },
    ],
    resource_files: [
      {
        id: "res-1",
        name: "weather.epw",
        type: "energyplus_weather",
        port_key: "weather_file",
        uri: `${bundle}weather.epw`,
        size_bytes: 0,
        sha256: SHA,
        storage_version: `sha256:${SHA}`,
      },
    ],
    inputs: { threshold: 3, nested: { list: [1, "two", null] } },
    context: {
      execution_attempt_id: "att-1",
      step_run_id: "sr-1",
      attempt_contract_version: "validibot.attempt.v2",
      expected_output_uri: `${bundle}output.json`,
      callback_id: "cb-1",
      callback_nonce: NONCE,
      callback_nonce_commitment: COMMITMENT,
      callback_url: "https://host.example.com/api/v1/validation-callbacks/",
      skip_callback: false,
      execution_bundle_uri: bundle,
      timeout_seconds: 600,
      tags: ["nightly"],
    },
  };
}

/** The smallest valid generic input envelope: required fields only, callbacks off. */
export function minimalInputEnvelope(): JsonObject {
  return {
    run_id: "run-1",
    validator: { id: "val-1", type: "CUSTOM_VALIDATOR", version: "1.0.0" },
    org: { id: "org-1", name: "Acme" },
    workflow: { id: "wf-1", step_id: "step-1" },
    context: {
      execution_attempt_id: "att-1",
      step_run_id: "sr-1",
      attempt_contract_version: "validibot.attempt.v2",
      expected_output_uri: `${bundle}output.json`,
      execution_bundle_uri: bundle,
    },
  };
}

/** A full EnergyPlus input envelope. */
export function energyPlusInputEnvelope(): JsonObject {
  return {
    ...inputEnvelope(),
    validator: { id: "energyplus", type: "ENERGYPLUS", version: "24.2.0" },
    inputs: {
      timestep_per_hour: 6,
      run_period_days: 31,
      invocation_mode: "cli",
      idf_checks: ["duplicate-names", "hvac-sizing"],
      run_simulation: true,
      review_profile: "leed_review",
    },
  };
}

/** The smallest valid EnergyPlus input envelope: `inputs` is required but may be empty. */
export function minimalEnergyPlusInputEnvelope(): JsonObject {
  return {
    ...minimalInputEnvelope(),
    validator: { id: "energyplus", type: "ENERGYPLUS", version: "24.2.0" },
    inputs: {},
  };
}

/** A full FMU input envelope. */
export function fmuInputEnvelope(): JsonObject {
  return {
    ...inputEnvelope(),
    validator: { id: "fmu", type: "FMU", version: "1.0.0" },
    input_files: [
      {
        name: "unit.fmu",
        mime_type: "application/vnd.fmi.fmu",
        role: "fmu",
        port_key: "fmu",
        uri: `${bundle}unit.fmu`,
        size_bytes: 99,
        sha256: SHA,
        storage_version: "1",
      },
    ],
    resource_files: [
      {
        id: "res-2",
        name: "table.csv",
        type: "fmu_table",
        port_key: "table",
        uri: `${bundle}table.csv`,
        size_bytes: 10,
        sha256: SHA,
        storage_version: "2",
      },
    ],
    inputs: {
      input_values: { T_in: 21.5, on: true },
      simulation: { start_time: 0, stop_time: 3600, step_size: 1.5, tolerance: 1e-6 },
      output_variables: ["T_out"],
    },
  };
}

/** The smallest valid FMU input envelope. */
export function minimalFmuInputEnvelope(): JsonObject {
  return {
    ...minimalInputEnvelope(),
    validator: { id: "fmu", type: "FMU", version: "1.0.0" },
    inputs: {},
  };
}

/** A full generic output envelope, echoing `inputEnvelope()`'s identity. */
export function outputEnvelope(): JsonObject {
  return {
    schema_version: "validibot.output.v1",
    run_id: "run-1",
    step_run_id: "sr-1",
    execution_attempt_id: "att-1",
    attempt_contract_version: "validibot.attempt.v2",
    input_envelope_sha256: SHA,
    output_uri: `${bundle}output.json`,
    validator: { id: "val-1", type: "CUSTOM_VALIDATOR", version: "1.0.0" },
    status: "failed_validation",
    timing: {
      queued_at: "2025-01-02T03:04:05Z",
      started_at: "2025-01-02T03:04:06.123456+00:00",
      finished_at: "2025-01-02T04:04:07.5-05:30",
    },
    messages: [
      {
        severity: "ERROR",
        code: "E001",
        text: "Zone has no thermostat",
        location: { file_role: "primary-model", line: 12, column: 3, path: "Zone/Office" },
        tags: ["hvac"],
      },
      { severity: "INFO", text: "Checked 12 zones" },
    ],
    metrics: [
      { name: "zones", value: 12, unit: null, category: "model", tags: [] },
      { name: "eui", value: 123.4, unit: "kWh/m2" },
      { name: "energyplus_version", value: "24.2.0" },
    ],
    artifacts: [
      {
        name: "report.html",
        type: "report",
        mime_type: "text/html",
        uri: `${bundle}outputs/report.html`,
        size_bytes: 2048,
        sha256: SHA,
        storage_version: "1712345678909999",
      },
    ],
    raw_outputs: { format: "directory", manifest_uri: `${bundle}outputs/manifest.json` },
    outputs: { zones_checked: 12 },
  };
}

/** The smallest valid generic output envelope. */
export function minimalOutputEnvelope(): JsonObject {
  return {
    run_id: "run-1",
    step_run_id: "sr-1",
    execution_attempt_id: "att-1",
    attempt_contract_version: "validibot.attempt.v2",
    input_envelope_sha256: SHA,
    output_uri: `${bundle}output.json`,
    validator: { id: "val-1", type: "CUSTOM_VALIDATOR", version: "1.0.0" },
    status: "success",
    timing: {},
  };
}

/** A full EnergyPlus output envelope. */
export function energyPlusOutputEnvelope(): JsonObject {
  return {
    ...outputEnvelope(),
    validator: { id: "energyplus", type: "ENERGYPLUS", version: "24.2.0" },
    status: "success",
    outputs: {
      outputs: { eplusout_sql: "/tmp/run/eplusout.sql", eplusout_err: "/tmp/run/eplusout.err" },
      logs: { stdout_tail: "EnergyPlus Completed Successfully.", stderr_tail: "", err_tail: null },
      metrics: { site_eui_kwh_m2: 123.4, site_electricity_kwh: 0, unmet_heating_hours: 2.5 },
      energyplus_returncode: 0,
      execution_seconds: 12.5,
      invocation_mode: "cli",
      completed_successfully: true,
      severe_count: 0,
      warning_count: 3,
      fatal_count: 0,
      review_issue_count: 1,
      idf_version: "24.2",
      energyplus_binary_version: "24.2.0",
      energyplus_binary_build: "94a887817b",
      idd_version: "24.2.0",
      idd_build: "94a887817b",
      idd_path: "/usr/local/EnergyPlus/Energy+.idd",
      version_match: true,
      has_sql_output: true,
      has_err_output: true,
      has_csv_output: false,
      has_eso_output: false,
    },
  };
}

/** The smallest valid EnergyPlus output envelope: `outputs` with its three required fields. */
export function minimalEnergyPlusOutputEnvelope(): JsonObject {
  return {
    ...minimalOutputEnvelope(),
    validator: { id: "energyplus", type: "ENERGYPLUS", version: "24.2.0" },
    outputs: { energyplus_returncode: 1, execution_seconds: 0, invocation_mode: "python_api" },
  };
}

/** A full FMU output envelope. */
export function fmuOutputEnvelope(): JsonObject {
  return {
    ...outputEnvelope(),
    validator: { id: "fmu", type: "FMU", version: "1.0.0" },
    status: "success",
    outputs: {
      output_values: { T_out: 20.9, trace: [1, 2, 3] },
      fmu_guid: "{8c4e810f-3df3-4a00-8276-176fa3c9f000}",
      fmi_version: "2.0",
      model_name: "Room",
      execution_seconds: 0.25,
      simulation_time_reached: 3600,
      fmu_log: "ok",
    },
  };
}

/** The smallest valid FMU output envelope (`outputs` may be absent: the unit never ran). */
export function minimalFmuOutputEnvelope(): JsonObject {
  return {
    ...minimalOutputEnvelope(),
    validator: { id: "fmu", type: "FMU", version: "1.0.0" },
    status: "failed_runtime",
  };
}

/** A valid callback body for `inputEnvelope()`'s attempt. */
export function callbackBody(): JsonObject {
  return {
    run_id: "run-1",
    callback_id: "cb-1",
    callback_nonce: NONCE,
    status: "success",
    result_uri: `${bundle}output.json`,
  };
}

/** A path into a JSON document: object keys and array indexes. */
export type JsonPath = readonly (string | number)[];

/** Marks a field to delete in `edit`. */
export const DELETE = Symbol("delete");

/**
 * A deep copy of `doc` with the value at `path` replaced (or removed, with `DELETE`). Throws when
 * a parent on the path is missing, so a corpus entry can never silently edit nothing.
 */
export function edit<T extends Json>(doc: T, path: JsonPath, value: Json | typeof DELETE): T {
  const copy = structuredClone(doc);
  if (path.length === 0) throw new Error("edit needs a non-empty path");
  let parent: Json = copy;
  for (const key of path.slice(0, -1)) {
    const next: Json | undefined =
      parent !== null && typeof parent === "object"
        ? (parent as Record<string | number, Json>)[key]
        : undefined;
    if (next === undefined || next === null || typeof next !== "object") {
      throw new Error(`no container at ${path.join(".")}`);
    }
    parent = next;
  }
  const last = path[path.length - 1] as string | number;
  if (parent === null || typeof parent !== "object") throw new Error("not a container");
  const container = parent as Record<string | number, Json>;
  if (value === DELETE) {
    if (!(last in container)) throw new Error(`nothing to delete at ${path.join(".")}`);
    if (Array.isArray(container)) container.splice(Number(last), 1);
    else delete container[last];
  } else {
    container[last] = value;
  }
  return copy;
}
