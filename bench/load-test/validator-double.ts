import { text } from "node:stream/consumers";
import {
  ATTEMPT_CONTRACT_VERSION,
  inputEnvelopeSha256,
  outputEnvelopeSchemaFor,
  parseInputEnvelope,
  type RunErrorCategory,
  type RunStatus,
  type ValidationCallback,
  type ValidationMessageInput,
  type ValidationStatus,
} from "@validibot/contracts";
import { FilesystemStorage, type SeededRandom } from "@validibot/sdk";

/** The result one played validator reports, and what the host must make of it. */
export interface PlannedResult {
  status: ValidationStatus;
  messages: ValidationMessageInput[];
  /** The run status the host must end the run in. */
  runStatus: RunStatus;
  /** The run's error category the host must record. */
  errorCategory: RunErrorCategory | null;
}

const SEVERITIES = ["INFO", "WARNING"] as const;

/**
 * A result drawn from `random`: half `success`, 30% `failed_validation`, 15% `failed_runtime`,
 * 5% `cancelled`, with 0 to 6 messages (at least one ERROR for the failures).
 */
export function planResult(random: SeededRandom, index: number): PlannedResult {
  const draw = random.next();
  const status: ValidationStatus =
    draw < 0.5
      ? "success"
      : draw < 0.8
        ? "failed_validation"
        : draw < 0.95
          ? "failed_runtime"
          : "cancelled";
  const failed = status === "failed_validation" || status === "failed_runtime";
  const count = random.int(failed ? 1 : 0, 6);
  const messages: ValidationMessageInput[] = Array.from({ length: count }, (_, seq) => ({
    severity: failed && seq === 0 ? "ERROR" : (SEVERITIES[random.int(0, 1)] ?? "INFO"),
    code: `load.${status}.${seq}`,
    text: `Load-test finding ${seq} of run #${index}.`,
    location: { file_role: "primary-model", line: random.int(1, 500) },
    tags: ["load-test"],
  }));
  const runStatus: RunStatus =
    status === "success" ? "SUCCEEDED" : status === "cancelled" ? "CANCELED" : "FAILED";
  const errorCategory: RunErrorCategory | null =
    status === "failed_validation"
      ? "VALIDATION_FAILED"
      : status === "failed_runtime"
        ? "RUNTIME_ERROR"
        : null;
  return { status, messages, runStatus, errorCategory };
}

/** What a played validator knows once it has written its output: where to call back and with what. */
export interface PlayedAttempt {
  callbackUrl: string;
  body: ValidationCallback;
  outputUri: string;
  bundleUri: string;
}

/**
 * Plays one validator container against a local bundle, as the runtime would: reads
 * `input.json` from `inputUri`, writes `output.json` (create-only) at the envelope's
 * `expected_output_uri` with the planned status and messages, and returns the callback to post.
 * `storage` is the validator's own adapter over the bundles folder, not the host's.
 */
export async function playValidator(
  storage: FilesystemStorage,
  inputUri: string,
  result: PlannedResult,
): Promise<PlayedAttempt> {
  const raw: unknown = JSON.parse(await text(await storage.get(storage.keyFor(inputUri))));
  const envelope = parseInputEnvelope(raw);
  const ctx = envelope.context;
  if (!ctx.callback_url || !ctx.callback_id || !ctx.callback_nonce) {
    throw new Error(`input envelope ${inputUri} enables no callback`);
  }
  const now = new Date().toISOString();
  const output = outputEnvelopeSchemaFor(envelope.validator.type).parse({
    run_id: envelope.run_id,
    step_run_id: ctx.step_run_id,
    execution_attempt_id: ctx.execution_attempt_id,
    attempt_contract_version: ATTEMPT_CONTRACT_VERSION,
    input_envelope_sha256: inputEnvelopeSha256(raw),
    output_uri: ctx.expected_output_uri,
    validator: envelope.validator,
    status: result.status,
    timing: { queued_at: now, started_at: now, finished_at: now },
    messages: result.messages,
    metrics: [{ name: "load_test_messages", value: result.messages.length }],
    outputs:
      envelope.validator.type === "ENERGYPLUS"
        ? { energyplus_returncode: 0, execution_seconds: 0, invocation_mode: "cli" }
        : null,
  });
  await storage.put(storage.keyFor(ctx.expected_output_uri), JSON.stringify(output), {
    contentType: "application/json",
  });
  return {
    callbackUrl: ctx.callback_url,
    body: {
      run_id: envelope.run_id,
      callback_id: ctx.callback_id,
      callback_nonce: ctx.callback_nonce,
      status: result.status,
      result_uri: ctx.expected_output_uri,
    },
    outputUri: ctx.expected_output_uri,
    bundleUri: ctx.execution_bundle_uri,
  };
}

/** The validator's own storage over the bundles folder. */
export function validatorStorage(bundlesRoot: string): FilesystemStorage {
  return new FilesystemStorage({ root: bundlesRoot });
}
