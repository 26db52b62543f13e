import {
  type AnyInputEnvelope,
  type AnyOutputEnvelope,
  describeZodIssues,
  type ExpectedOutputIdentity,
  OUTPUT_SCHEMA_VERSION,
  outputEnvelopeSchemaFor,
  type RawOutputs,
  type ValidationArtifact,
  type ValidationMessage,
  type ValidationMetric,
  type ValidationStatus,
  type ValidationTiming,
  ValidibotError,
} from "@validibot/contracts";

/** Everything an output envelope is assembled from. */
export interface OutputEnvelopeParts {
  identity: ExpectedOutputIdentity;
  /** The full validator block of the input envelope (id, type, version). */
  validator: AnyInputEnvelope["validator"];
  status: ValidationStatus;
  timing: ValidationTiming;
  messages: ValidationMessage[];
  metrics: ValidationMetric[];
  artifacts: ValidationArtifact[];
  rawOutputs: RawOutputs | null;
  outputs: Record<string, unknown> | null | undefined;
}

/**
 * Assembles the output envelope and validates it with the typed schema of the validator's type
 * before anything is written. Throws `output_malformed` (naming the offending fields) when the
 * validator's part of it does not conform.
 */
export function assembleOutputEnvelope(parts: OutputEnvelopeParts): AnyOutputEnvelope {
  const candidate = {
    schema_version: OUTPUT_SCHEMA_VERSION,
    run_id: parts.identity.run_id,
    step_run_id: parts.identity.step_run_id,
    execution_attempt_id: parts.identity.execution_attempt_id,
    attempt_contract_version: parts.identity.attempt_contract_version,
    input_envelope_sha256: parts.identity.input_envelope_sha256,
    output_uri: parts.identity.output_uri,
    validator: parts.validator,
    status: parts.status,
    timing: parts.timing,
    messages: parts.messages,
    metrics: parts.metrics,
    artifacts: parts.artifacts,
    raw_outputs: parts.rawOutputs,
    outputs: parts.outputs ?? null,
  };
  const parsed = outputEnvelopeSchemaFor(parts.validator.type).safeParse(candidate);
  if (!parsed.success) {
    throw new ValidibotError(
      "output_malformed",
      `the output envelope does not conform to the ${parts.validator.type} schema: ${describeZodIssues(parsed.error)}`,
    );
  }
  return parsed.data;
}

/**
 * The `outputs` the runtime reports when the validator gave none it could use (it crashed, was
 * cancelled, or never ran): the EnergyPlus schema requires an outputs block, so it gets one that
 * says the binary did not complete (return code -1); every other type gets null.
 */
export function fallbackOutputs(
  input: AnyInputEnvelope,
  elapsedSeconds: number,
): Record<string, unknown> | null {
  if (input.validator.type !== "ENERGYPLUS") return null;
  const mode = (input.inputs as { invocation_mode?: unknown }).invocation_mode;
  return {
    energyplus_returncode: -1,
    execution_seconds: Math.max(0, elapsedSeconds),
    invocation_mode: mode === "python_api" ? "python_api" : "cli",
    completed_successfully: false,
  };
}
