import type { AnyInputEnvelope, AnyOutputEnvelope } from "./typed";
import { inputEnvelopeSha256 } from "./typed";

/** The output envelope fields that must echo the attempt's input envelope (rule 5). */
export const OUTPUT_IDENTITY_FIELDS = [
  "run_id",
  "step_run_id",
  "execution_attempt_id",
  "attempt_contract_version",
  "input_envelope_sha256",
  "output_uri",
  "validator.id",
  "validator.type",
] as const;
/** One field of the output identity. */
export type OutputIdentityField = (typeof OUTPUT_IDENTITY_FIELDS)[number];

/** What a host expects an attempt's output envelope to echo. */
export interface ExpectedOutputIdentity {
  run_id: string;
  step_run_id: string;
  execution_attempt_id: string;
  attempt_contract_version: string;
  input_envelope_sha256: string;
  output_uri: string;
  validator: { id: string; type: string };
}

/** The identity an output envelope must echo for `input`, whose hash is computed here. */
export function expectedOutputIdentity(input: AnyInputEnvelope): ExpectedOutputIdentity {
  return {
    run_id: input.run_id,
    step_run_id: input.context.step_run_id,
    execution_attempt_id: input.context.execution_attempt_id,
    attempt_contract_version: input.context.attempt_contract_version,
    input_envelope_sha256: inputEnvelopeSha256(input),
    output_uri: input.context.expected_output_uri,
    validator: { id: input.validator.id, type: input.validator.type },
  };
}

/**
 * The identity fields in which `output` differs from `expected` (rule 5); empty when it may be
 * accepted. A host rejects the output on any mismatch.
 */
export function outputIdentityMismatches(
  expected: ExpectedOutputIdentity,
  output: Pick<
    AnyOutputEnvelope,
    | "run_id"
    | "step_run_id"
    | "execution_attempt_id"
    | "attempt_contract_version"
    | "input_envelope_sha256"
    | "output_uri"
    | "validator"
  >,
): OutputIdentityField[] {
  const actual: Record<OutputIdentityField, string> = {
    run_id: output.run_id,
    step_run_id: output.step_run_id,
    execution_attempt_id: output.execution_attempt_id,
    attempt_contract_version: output.attempt_contract_version,
    input_envelope_sha256: output.input_envelope_sha256,
    output_uri: output.output_uri,
    "validator.id": output.validator.id,
    "validator.type": output.validator.type,
  };
  const wanted: Record<OutputIdentityField, string> = {
    run_id: expected.run_id,
    step_run_id: expected.step_run_id,
    execution_attempt_id: expected.execution_attempt_id,
    attempt_contract_version: expected.attempt_contract_version,
    input_envelope_sha256: expected.input_envelope_sha256,
    output_uri: expected.output_uri,
    "validator.id": expected.validator.id,
    "validator.type": expected.validator.type,
  };
  return OUTPUT_IDENTITY_FIELDS.filter((field) => actual[field] !== wanted[field]);
}
