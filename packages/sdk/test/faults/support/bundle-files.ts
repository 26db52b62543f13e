import { type Dirent, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import type { AttemptRecord } from "@validibot/sdk";
import type { StorageAdapter } from "@validibot/sdk/storage";
import { TEMP_PREFIX } from "@validibot/sdk/storage";

/** The key prefix of an attempt's bundle. */
export function bundleKey(storage: StorageAdapter, attempt: AttemptRecord): string {
  const input = storage.keyFor(attempt.input_uri);
  return input.slice(0, input.length - "input.json".length);
}

/** The names (relative to the bundle) of the objects an attempt's bundle holds, as storage lists them. */
export async function bundleObjects(
  storage: StorageAdapter,
  attempt: AttemptRecord,
): Promise<string[]> {
  const prefix = bundleKey(storage, attempt);
  return (await storage.list(prefix)).map((object) => object.key.slice(prefix.length));
}

/**
 * Every file under `root` on disk whose name marks an in-flight write (`FilesystemStorage`'s
 * temporary files): a failed write must leave none behind, listed or not.
 */
export function tempFilesUnder(root: string): string[] {
  let entries: Dirent[];
  try {
    entries = readdirSync(root, { recursive: true, withFileTypes: true });
  } catch {
    return [];
  }
  return entries
    .filter((entry) => entry.name.startsWith(TEMP_PREFIX))
    .map((entry) => relative(root, join(entry.parentPath, entry.name)));
}

/** An object of storage, by URI, parsed as JSON. */
export async function readJson(storage: StorageAdapter, uri: string): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of await storage.get(storage.keyFor(uri))) {
    chunks.push(Buffer.from(chunk as Uint8Array));
  }
  return JSON.parse(Buffer.concat(chunks).toString("utf8"));
}

/** The callback body a validator posts for an attempt, rebuilt from its `input.json`. */
export async function callbackBodyOf(storage: StorageAdapter, attempt: AttemptRecord) {
  const envelope = (await readJson(storage, attempt.input_uri)) as {
    run_id: string;
    context: { callback_id: string; callback_nonce: string; expected_output_uri: string };
  };
  const output = (await readJson(storage, attempt.output_uri)) as { status: string };
  return {
    run_id: envelope.run_id,
    callback_id: envelope.context.callback_id,
    callback_nonce: envelope.context.callback_nonce,
    status: output.status,
    result_uri: envelope.context.expected_output_uri,
  };
}
