import {
  type AnyInputEnvelope,
  ATTEMPT_CONTRACT_VERSION,
  callbackNonceCommitment,
  INPUT_SCHEMA_VERSION,
  parseInputEnvelope,
} from "@validibot/contracts";
import type { RunRecord } from "../model";
import type { StoredObject } from "../storage/types";
import type { ValidatorDefinition } from "../validators";
import type { CheckedFile } from "./check-request";

/** What goes into one attempt's input envelope beyond the run itself. */
export interface EnvelopeParts {
  run: RunRecord;
  validator: ValidatorDefinition;
  attemptId: string;
  files: { checked: CheckedFile; stored: StoredObject }[];
  callbackId: string;
  nonce: string;
  callbackUrl: string | null;
  outputUri: string;
  bundleUri: string;
  timeoutSeconds: number;
}

/**
 * The attempt's input envelope, parsed with its typed variant so every default is filled and
 * the hash covers exactly what a validator will hash (CONTRACT.md rule 4).
 */
export function buildInputEnvelope(parts: EnvelopeParts): AnyInputEnvelope {
  const { run, validator } = parts;
  const inputFiles = parts.files
    .filter(({ checked }) => !checked.port.resource)
    .map(({ checked, stored }) => ({
      name: checked.stored_name,
      mime_type: checked.mime_type,
      role: checked.port.role ?? null,
      port_key: checked.port.port_key,
      uri: stored.uri,
      size_bytes: stored.size_bytes,
      sha256: stored.sha256,
      storage_version: stored.storage_version,
    }));
  const resourceFiles = parts.files
    .filter(({ checked }) => checked.port.resource)
    .map(({ checked, stored }) => ({
      id: `${checked.port.port_key}`,
      name: checked.stored_name,
      type: checked.port.resource_type ?? checked.port.port_key,
      port_key: checked.port.port_key,
      uri: stored.uri,
      size_bytes: stored.size_bytes,
      sha256: stored.sha256,
      storage_version: stored.storage_version,
    }));
  const callbacksOn = parts.callbackUrl !== null;
  return parseInputEnvelope({
    schema_version: INPUT_SCHEMA_VERSION,
    run_id: run.id,
    validator: { id: validator.id, type: validator.type, version: validator.version },
    org: { id: run.org_id, name: run.org_name },
    workflow: { id: run.workflow_id, step_id: run.step_id, step_name: run.step_name },
    input_files: inputFiles,
    resource_files: resourceFiles,
    inputs: run.inputs,
    context: {
      execution_attempt_id: parts.attemptId,
      step_run_id: run.step_run_id,
      attempt_contract_version: ATTEMPT_CONTRACT_VERSION,
      expected_output_uri: parts.outputUri,
      callback_id: parts.callbackId,
      callback_nonce: parts.nonce,
      callback_nonce_commitment: callbackNonceCommitment(parts.nonce),
      callback_url: parts.callbackUrl,
      skip_callback: !callbacksOn,
      execution_bundle_uri: parts.bundleUri,
      timeout_seconds: parts.timeoutSeconds,
      tags: run.tags,
    },
  });
}
