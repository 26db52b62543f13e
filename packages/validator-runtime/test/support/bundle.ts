import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  ATTEMPT_CONTRACT_VERSION,
  callbackNonceCommitment,
  type SupportedMimeType,
  type ValidatorType,
} from "@validibot/contracts";
import { FilesystemStorage, type StorageAdapter } from "@validibot/sdk/storage";

/** A file to put into a test bundle. */
export interface TestFile {
  port_key: string;
  content: string | Buffer;
  /** Default: `<port_key>.bin`. */
  name?: string;
  /** Default: `input`. */
  kind?: "input" | "resource";
  mime_type?: SupportedMimeType;
  role?: string | null;
  /** Resource type. Default: `energyplus_weather`. */
  type?: string;
}

/** Options of `createTestBundle`. */
export interface TestBundleOptions {
  /** Where the bundle lives. Default: a `FilesystemStorage` in a new temp folder. */
  storage?: StorageAdapter;
  validatorType?: ValidatorType;
  files?: TestFile[];
  inputs?: Record<string, unknown>;
  /** Default: null (callbacks off). */
  callbackUrl?: string | null;
  skipCallback?: boolean;
  timeoutSeconds?: number;
  /** Changes the envelope (as JSON) before `input.json` is written: the way to break it. */
  mutate?: (envelope: TestEnvelope) => void;
}

/** The envelope a test bundle holds, as written. */
export type TestEnvelope = {
  run_id: string;
  validator: { id: string; type: string; version: string };
  input_files: Record<string, unknown>[];
  resource_files: Record<string, unknown>[];
  inputs: Record<string, unknown>;
  context: Record<string, unknown> & { expected_output_uri: string; execution_bundle_uri: string };
  [key: string]: unknown;
};

/** A bundle written as a host would, for one attempt. */
export interface TestBundle {
  storage: StorageAdapter;
  /** The bundle's key prefix in `storage` (ends with `/`). */
  prefix: string;
  bundleUri: string;
  inputUri: string;
  outputUri: string;
  envelope: TestEnvelope;
  nonce: string;
  /** Reads an object of the bundle as text. */
  readText(relative: string): Promise<string>;
  /** Whether an object of the bundle exists. */
  has(relative: string): Promise<boolean>;
}

/** A new temp-folder `FilesystemStorage`. */
export function tempStorage(): FilesystemStorage {
  return new FilesystemStorage({ root: mkdtempSync(join(tmpdir(), "vr-test-")) });
}

/** Writes the files and `input.json` of one attempt into storage, create-only, as a host would. */
export async function createTestBundle(options: TestBundleOptions = {}): Promise<TestBundle> {
  const storage = options.storage ?? tempStorage();
  const runId = `run-${randomUUID()}`;
  const attemptId = `att-${randomUUID()}`;
  const prefix = `runs/org-1/${runId}/attempts/${attemptId}/`;
  const inputFiles: Record<string, unknown>[] = [];
  const resourceFiles: Record<string, unknown>[] = [];
  for (const [index, file] of (options.files ?? []).entries()) {
    const name = file.name ?? `${file.port_key}.bin`;
    const stored = await storage.put(`${prefix}files/${index}/data`, file.content);
    const common = {
      size_bytes: stored.size_bytes,
      sha256: stored.sha256,
      storage_version: stored.storage_version,
      name,
      port_key: file.port_key,
      uri: stored.uri,
    };
    if (file.kind === "resource") {
      resourceFiles.push({
        ...common,
        id: `res-${index}`,
        type: file.type ?? "energyplus_weather",
      });
    } else {
      inputFiles.push({
        ...common,
        mime_type: file.mime_type ?? "application/json",
        role: file.role ?? null,
      });
    }
  }
  const nonce = randomBytes(32).toString("base64url");
  const callbackUrl = options.callbackUrl ?? null;
  const envelope: TestEnvelope = {
    schema_version: "validibot.input.v1",
    run_id: runId,
    validator: {
      id: "val-test",
      type: options.validatorType ?? "CUSTOM_VALIDATOR",
      version: "1.0.0",
    },
    org: { id: "org-1", name: "Org One" },
    workflow: { id: "wf-1", step_id: "step-1", step_name: null },
    input_files: inputFiles,
    resource_files: resourceFiles,
    inputs: options.inputs ?? {},
    context: {
      execution_attempt_id: attemptId,
      step_run_id: `sr-${randomUUID()}`,
      attempt_contract_version: ATTEMPT_CONTRACT_VERSION,
      expected_output_uri: storage.uriFor(`${prefix}output.json`),
      callback_id: `execution-attempt-${randomUUID()}`,
      callback_nonce: nonce,
      callback_nonce_commitment: callbackNonceCommitment(nonce),
      callback_url: callbackUrl,
      skip_callback: options.skipCallback ?? callbackUrl === null,
      execution_bundle_uri: storage.uriFor(`${prefix}input.json`).slice(0, -"input.json".length),
      timeout_seconds: options.timeoutSeconds ?? 600,
      tags: [],
    },
  };
  options.mutate?.(envelope);
  const input = await storage.put(`${prefix}input.json`, JSON.stringify(envelope), {
    contentType: "application/json",
  });
  const readText = async (relative: string) => {
    const chunks: Buffer[] = [];
    for await (const chunk of await storage.get(prefix + relative)) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString("utf8");
  };
  return {
    storage,
    prefix,
    bundleUri: envelope.context.execution_bundle_uri,
    inputUri: input.uri,
    outputUri: envelope.context.expected_output_uri,
    envelope,
    nonce,
    readText,
    has: async (relative) => (await storage.stat(prefix + relative)) !== null,
  };
}
