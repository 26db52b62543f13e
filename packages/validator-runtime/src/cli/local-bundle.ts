import { randomUUID } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdtemp, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import {
  ATTEMPT_CONTRACT_VERSION,
  INPUT_SCHEMA_VERSION,
  type InputFileItem,
  isSafeLeafName,
  type ResourceFileItem,
  type ValidationInputEnvelopeInput,
  type ValidatorType,
} from "@validibot/contracts";
import { FilesystemStorage } from "@validibot/sdk/storage";
import { ExitCode } from "../exit-codes";
import { CliError } from "./cli-error";
import { mimeTypeOf } from "./mime-types";
import type { TryFileArg } from "./try-args";

/** The `role` of the conventional ports (CONTRACT.md, "Conventional ports"). */
const CONVENTIONAL_ROLES: Record<string, Record<string, string>> = {
  ENERGYPLUS: { primary_model: "primary-model" },
  FMU: { fmu: "fmu" },
};

/** Ports sent as resource files, with their resource `type`. */
const RESOURCE_PORTS: Record<string, string> = { weather_file: "energyplus_weather" };

/** A bundle on local disk, as a host would have written it for one attempt. */
export interface LocalBundle {
  /** The temporary folder holding everything (removed after `try` unless `--keep`). */
  folder: string;
  /** `file:///.../bundle/`. */
  bundleUri: string;
  /** `file:///.../bundle/input.json`. */
  inputUri: string;
  /** `file:///.../bundle/output.json`. */
  outputUri: string;
}

/** What a local bundle is built from. */
export interface LocalBundleSpec {
  type: ValidatorType;
  validatorVersion: string;
  files: TryFileArg[];
  inputs: Record<string, unknown>;
  timeoutSeconds: number;
}

/**
 * Writes a bundle into a new temporary folder: each file copied in (streaming, with its size,
 * SHA-256 and storage version), and an `input.json` with callbacks off. Files on the
 * `weather_file` port go to `resource_files`; the others to `input_files`, with the role of the
 * conventional ports.
 */
export async function buildLocalBundle(spec: LocalBundleSpec): Promise<LocalBundle> {
  const folder = await mkdtemp(join(tmpdir(), "validibot-try-"));
  const root = join(folder, "bundle");
  const storage = new FilesystemStorage({ root });
  const inputFiles: InputFileItem[] = [];
  const resourceFiles: ResourceFileItem[] = [];
  for (const [index, file] of spec.files.entries()) {
    const info = await stat(file.path).catch(() => null);
    if (info === null || !info.isFile()) {
      throw new CliError(`--file ${file.portKey}: no file at ${file.path}`, ExitCode.usage);
    }
    const name = basename(file.path);
    if (!isSafeLeafName(name))
      throw new CliError(`--file ${file.portKey}: unusable file name ${name}`, ExitCode.usage);
    const stored = await storage.put(`files/${index}/${name}`, createReadStream(file.path));
    const integrity = {
      size_bytes: stored.size_bytes,
      sha256: stored.sha256,
      storage_version: stored.storage_version,
      name,
      port_key: file.portKey,
      uri: stored.uri,
    };
    const resourceType = RESOURCE_PORTS[file.portKey];
    if (resourceType !== undefined) {
      resourceFiles.push({
        ...integrity,
        id: `local-${file.portKey}-${index}`,
        type: resourceType,
      });
    } else {
      inputFiles.push({
        ...integrity,
        mime_type: file.mimeType ?? (await mimeTypeOf(file.path)),
        role: CONVENTIONAL_ROLES[spec.type]?.[file.portKey] ?? null,
      });
    }
  }
  const runId = `try-${randomUUID()}`;
  const envelope: ValidationInputEnvelopeInput = {
    schema_version: INPUT_SCHEMA_VERSION,
    run_id: runId,
    validator: {
      id: `local-${spec.type.toLowerCase()}`,
      type: spec.type,
      version: spec.validatorVersion,
    },
    org: { id: "local", name: "Local" },
    workflow: { id: "local", step_id: "try", step_name: "validibot-validator try" },
    input_files: inputFiles,
    resource_files: resourceFiles,
    inputs: spec.inputs,
    context: {
      execution_attempt_id: `attempt-${randomUUID()}`,
      step_run_id: `step-${randomUUID()}`,
      attempt_contract_version: ATTEMPT_CONTRACT_VERSION,
      expected_output_uri: storage.uriFor("output.json"),
      callback_id: null,
      callback_nonce: null,
      callback_nonce_commitment: null,
      callback_url: null,
      skip_callback: true,
      execution_bundle_uri: `${storage.uriFor("input.json").slice(0, -"input.json".length)}`,
      timeout_seconds: spec.timeoutSeconds,
      tags: ["local-try"],
    },
  };
  const input = await storage.put("input.json", `${JSON.stringify(envelope, null, 2)}\n`, {
    contentType: "application/json",
  });
  return {
    folder,
    bundleUri: envelope.context.execution_bundle_uri,
    inputUri: input.uri,
    outputUri: envelope.context.expected_output_uri,
  };
}
