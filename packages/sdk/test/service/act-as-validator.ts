import {
  ATTEMPT_CONTRACT_VERSION,
  inputEnvelopeSha256,
  type ValidationMessageInput,
  type ValidationStatus,
} from "@validibot/contracts";
import type { LaunchRequest } from "../../src/launchers/types";
import type { StorageAdapter } from "../../src/storage/types";

/** The findings most tests report: one of each severity, with location and tags. */
export const SAMPLE_MESSAGES: ValidationMessageInput[] = [
  {
    severity: "ERROR",
    code: "energyplus.severe",
    text: 'GetSurfaceData: Surface="ZN1_WALL" has zero area',
    location: {
      file_role: "primary-model",
      line: 412,
      column: 3,
      path: "BuildingSurface:Detailed/ZN1_WALL",
    },
    tags: ["geometry", "blocking"],
  },
  {
    severity: "WARNING",
    code: "energyplus.warning",
    text: "CheckUsedConstructions: 2 unused",
    tags: [],
  },
  { severity: "INFO", code: null, text: "EnergyPlus Completed", location: null },
];

/** An output envelope for a launch, as a conforming validator writes it; `overrides` replace fields. */
export function outputFor(
  request: LaunchRequest,
  status: ValidationStatus,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  const now = new Date().toISOString();
  return {
    schema_version: "validibot.output.v1",
    run_id: request.run.id,
    step_run_id: request.envelope.context.step_run_id,
    execution_attempt_id: request.attempt.id,
    attempt_contract_version: ATTEMPT_CONTRACT_VERSION,
    input_envelope_sha256: inputEnvelopeSha256(request.envelope),
    output_uri: request.outputUri,
    validator: request.envelope.validator,
    status,
    timing: { queued_at: now, started_at: now, finished_at: now },
    messages: SAMPLE_MESSAGES,
    metrics: [{ name: "site_eui_kwh_m2", value: 123.4, unit: "kWh/m2", category: "energy" }],
    artifacts: [],
    outputs:
      request.validator.type === "ENERGYPLUS"
        ? { energyplus_returncode: 0, execution_seconds: 1.5, invocation_mode: "cli" }
        : null,
    ...overrides,
  };
}

/** Writes `output.json` (create-only) where the attempt expects it. */
export async function writeOutput(
  storage: StorageAdapter,
  request: LaunchRequest,
  body: unknown,
): Promise<void> {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  await storage.put(storage.keyFor(request.outputUri), text);
}

/** The callback body a validator posts for a launch. */
export function callbackFor(
  request: LaunchRequest,
  status: ValidationStatus = "failed_validation",
) {
  const ctx = request.envelope.context;
  return {
    run_id: request.run.id,
    callback_id: ctx.callback_id as string,
    callback_nonce: ctx.callback_nonce as string,
    status,
    result_uri: request.outputUri,
  };
}
