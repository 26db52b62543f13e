import { Transform } from "node:stream";
import { sizeExceeded } from "./storage-error";

/**
 * A pass-through that fails with `storage_size_exceeded` as soon as more than `maxBytes` bytes
 * have passed; nothing past the ceiling is forwarded. The read side of `GetOptions.maxBytes`.
 */
export function byteLimit(maxBytes: number, key?: string): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      seen += chunk.length;
      if (seen > maxBytes) callback(sizeExceeded(maxBytes, key));
      else callback(null, chunk);
    },
  });
}

/** Checks a `maxBytes` option: a non-negative safe integer, or absent. */
export function assertMaxBytes(maxBytes: number | undefined): void {
  if (maxBytes !== undefined && !(Number.isSafeInteger(maxBytes) && maxBytes >= 0)) {
    throw new RangeError(`maxBytes must be a non-negative integer, got ${String(maxBytes)}`);
  }
}
