import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import {
  type AnyInputEnvelope,
  isSafeLeafName,
  isValidibotError,
  ValidibotError,
} from "@validibot/contracts";
import type { StorageResolver } from "./storage";
import type { StagedFile } from "./types";

/** One file of the envelope, input or resource, as staging sees it. */
interface FileToStage {
  kind: "input" | "resource";
  port_key: string;
  name: string;
  uri: string;
  size_bytes: number;
  sha256: string;
  storage_version: string;
  mime_type: string | null;
  role: string | null;
}

function filesOf(envelope: AnyInputEnvelope): FileToStage[] {
  return [
    ...envelope.input_files.map((f) => ({
      kind: "input" as const,
      port_key: f.port_key,
      name: f.name,
      uri: f.uri,
      size_bytes: f.size_bytes,
      sha256: f.sha256,
      storage_version: f.storage_version,
      mime_type: f.mime_type,
      role: f.role,
    })),
    ...envelope.resource_files.map((f) => ({
      kind: "resource" as const,
      port_key: f.port_key,
      name: f.name,
      uri: f.uri,
      size_bytes: f.size_bytes,
      sha256: f.sha256,
      storage_version: f.storage_version,
      mime_type: f.type,
      role: null,
    })),
  ];
}

function describe(file: FileToStage): string {
  return `${file.kind} file ${JSON.stringify(file.name)} (port ${file.port_key})`;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** Counts and hashes the bytes going through, and fails once more than `limit` have passed. */
function meter(limit: number, tooLong: () => Error) {
  const hash = createHash("sha256");
  let count = 0;
  const transform = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      count += chunk.length;
      if (count > limit) {
        done(tooLong());
        return;
      }
      hash.update(chunk);
      done(null, chunk);
    },
  });
  return { transform, count: () => count, digest: () => hash.digest("hex") };
}

async function stageOne(
  file: FileToStage,
  index: number,
  folder: string,
  resolve: StorageResolver,
  signal: AbortSignal,
): Promise<StagedFile> {
  if (!isSafeLeafName(file.name)) {
    throw new ValidibotError(
      "file_unsafe_name",
      `${describe(file)} has an unsafe name: a file name must be one path segment, not empty, '.' or '..', without '/', '\\' or NUL`,
      { details: { port_key: file.port_key } },
    );
  }
  let resolved: Awaited<ReturnType<StorageResolver>>;
  try {
    resolved = await resolve(file.uri);
  } catch (error) {
    if (isValidibotError(error) && error.code === "storage_path_invalid") {
      throw new ValidibotError(
        "storage_path_invalid",
        `${describe(file)} has a URI the runtime cannot read: ${error.message}`,
        { cause: error },
      );
    }
    throw error;
  }
  const { storage: adapter, key } = resolved;
  const found = await adapter.stat(key);
  if (found === null) {
    throw new ValidibotError("file_missing", `${describe(file)} is missing from storage`, {
      details: { port_key: file.port_key, uri: file.uri },
    });
  }
  const sizeMismatch = (actual: string) =>
    new ValidibotError(
      "file_size_mismatch",
      `${describe(file)} is ${actual} bytes, but the envelope declares ${file.size_bytes}`,
      { details: { port_key: file.port_key, declared: file.size_bytes } },
    );
  if (found.size_bytes !== file.size_bytes) throw sizeMismatch(String(found.size_bytes));
  if (found.storage_version !== file.storage_version) {
    throw new ValidibotError(
      "file_version_mismatch",
      `${describe(file)} is stored as version ${found.storage_version}, but the envelope declares ${file.storage_version}: it changed after submission`,
      { details: { port_key: file.port_key } },
    );
  }

  let target = join(folder, file.name);
  if (await exists(target)) {
    await mkdir(join(folder, String(index)), { recursive: true });
    target = join(folder, String(index), file.name);
  }
  const meterStream = meter(file.size_bytes, () => sizeMismatch(`more than ${file.size_bytes}`));
  try {
    const source = await adapter.get(key, { maxBytes: file.size_bytes, signal });
    await pipeline(source, meterStream.transform, createWriteStream(target, { flags: "wx" }), {
      signal,
    });
  } catch (error) {
    await rm(target, { force: true });
    if (isValidibotError(error) && error.code === "storage_size_exceeded") {
      throw sizeMismatch(`more than ${file.size_bytes}`);
    }
    if (isValidibotError(error) && error.code === "storage_not_found") {
      throw new ValidibotError("file_missing", `${describe(file)} is missing from storage`, {
        cause: error,
      });
    }
    throw error;
  }
  if (meterStream.count() !== file.size_bytes) {
    await rm(target, { force: true });
    throw sizeMismatch(String(meterStream.count()));
  }
  const digest = meterStream.digest();
  if (digest !== file.sha256) {
    await rm(target, { force: true });
    throw new ValidibotError(
      "file_digest_mismatch",
      `${describe(file)} has SHA-256 ${digest}, but the envelope declares ${file.sha256}`,
      { details: { port_key: file.port_key } },
    );
  }
  return {
    kind: file.kind,
    port_key: file.port_key,
    name: file.name,
    path: target,
    size_bytes: file.size_bytes,
    sha256: digest,
    mime_type: file.mime_type,
    role: file.role,
  };
}

/**
 * Copies every input and resource file of the envelope into `<attemptDir>/inputs/` and
 * `<attemptDir>/resources/`, one at a time, streaming: each read stops one byte past `size_bytes`,
 * each copy is checked against `sha256`, and the stored version against `storage_version`.
 * Throws the first failure: a file-integrity `ValidibotError` (see `FILE_INTEGRITY_CODES`) when
 * the submission is at fault, anything else when the infrastructure is.
 */
export async function stageFiles(
  envelope: AnyInputEnvelope,
  attemptDir: string,
  resolve: StorageResolver,
  signal: AbortSignal,
): Promise<StagedFile[]> {
  const staged: StagedFile[] = [];
  const files = filesOf(envelope);
  for (const [index, file] of files.entries()) {
    const folder = join(attemptDir, file.kind === "input" ? "inputs" : "resources");
    await mkdir(folder, { recursive: true });
    staged.push(await stageOne(file, index, folder, resolve, signal));
  }
  return staged;
}
