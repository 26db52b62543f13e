import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { isValidibotError, ValidibotError } from "@validibot/contracts";
import type { PutOptions, StorageAdapter, StoredObject } from "@validibot/sdk/storage";
import { digestFile, digestStream } from "./file-digest";

/** A body `putOnce` can open again: a local file, or bytes in memory. */
export type ReopenableBody = { path: string } | { bytes: Uint8Array };

function open(body: ReopenableBody) {
  return "path" in body ? createReadStream(body.path) : body.bytes;
}

async function digestOf(body: ReopenableBody) {
  if ("path" in body) return digestFile(body.path);
  return {
    size: body.bytes.length,
    sha256: createHash("sha256").update(body.bytes).digest("hex"),
  };
}

/** `name.ext` -> `name-2.ext`, `name-3.ext`, ... */
function variant(key: string, n: number): string {
  const slash = key.lastIndexOf("/");
  const dot = key.lastIndexOf(".");
  return dot > slash + 1 ? `${key.slice(0, dot)}-${n}${key.slice(dot)}` : `${key}-${n}`;
}

/**
 * A create-only write that survives a retried attempt: when the key already holds these exact
 * bytes (an earlier try uploaded them before dying), that object is reused; when it holds other
 * bytes, the next free variant of the key (`name-2.ext`) is written instead. Nothing is ever
 * overwritten, and a retry never wedges on its own leftovers.
 */
export async function putOnce(
  adapter: StorageAdapter,
  key: string,
  body: ReopenableBody,
  options: PutOptions = {},
): Promise<StoredObject> {
  let local: { size: number; sha256: string } | undefined;
  for (let n = 1; n <= 20; n++) {
    const candidate = n === 1 ? key : variant(key, n);
    try {
      return await adapter.put(candidate, open(body), options);
    } catch (error) {
      if (!isValidibotError(error) || error.code !== "storage_already_exists") throw error;
    }
    const existing = await adapter.stat(candidate);
    if (existing === null) continue;
    local ??= await digestOf(body);
    if (existing.size_bytes === local.size) {
      const remote = await digestStream(await adapter.get(candidate, { maxBytes: local.size }));
      if (remote.sha256 === local.sha256) {
        return {
          uri: existing.uri,
          key: existing.key,
          size_bytes: existing.size_bytes,
          sha256: remote.sha256,
          storage_version: existing.storage_version,
        };
      }
    }
  }
  throw new ValidibotError("storage_already_exists", `no free key left for ${key}`);
}
