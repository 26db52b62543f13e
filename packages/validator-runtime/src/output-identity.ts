import type { AnyInputEnvelope, ExpectedOutputIdentity } from "@validibot/contracts";

/**
 * The identity the output envelope must echo (rule 5), with the input hash as the runtime
 * computed it from the envelope it read.
 */
export function identityOf(input: AnyInputEnvelope, inputSha256: string): ExpectedOutputIdentity {
  return {
    run_id: input.run_id,
    step_run_id: input.context.step_run_id,
    execution_attempt_id: input.context.execution_attempt_id,
    attempt_contract_version: input.context.attempt_contract_version,
    input_envelope_sha256: inputSha256,
    output_uri: input.context.expected_output_uri,
    validator: { id: input.validator.id, type: input.validator.type },
  };
}
