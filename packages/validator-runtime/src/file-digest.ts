import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import type { Readable } from "node:stream";

/** Size and SHA-256 (lowercase hex) of a stream, read once with constant memory. */
export async function digestStream(stream: Readable): Promise<{ size: number; sha256: string }> {
  const hash = createHash("sha256");
  let size = 0;
  for await (const chunk of stream) {
    const bytes = chunk as Buffer;
    size += bytes.length;
    hash.update(bytes);
  }
  return { size, sha256: hash.digest("hex") };
}

/** Size and SHA-256 of a local file. */
export function digestFile(path: string): Promise<{ size: number; sha256: string }> {
  return digestStream(createReadStream(path));
}
