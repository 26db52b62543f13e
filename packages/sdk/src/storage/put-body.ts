import { createHash } from "node:crypto";
import { sizeExceeded } from "./storage-error";
import type { PutBody } from "./types";

/** Size and SHA-256 of a body, known once `measuredChunks` has been read to its end. */
export interface BodyMeasure {
  size_bytes: number;
  /** Lowercase hex SHA-256; empty until the body has ended. */
  sha256: string;
}

/** The byte length of a body that is already in memory, or null for a stream. */
export function knownLength(body: PutBody): number | null {
  if (typeof body === "string") return Buffer.byteLength(body, "utf8");
  if (body instanceof Uint8Array) return body.byteLength;
  return null;
}

/**
 * The chunks of a body as `Buffer`s, counting and hashing them on the way: it throws
 * `storage_size_exceeded` as soon as the body passes `maxBytes`, and the signal's reason once
 * `signal` aborts. `measure` holds the size and digest when the iteration has ended. A stream body
 * is destroyed if iteration stops early.
 */
export async function* measuredChunks(
  body: PutBody,
  measure: BodyMeasure,
  options: { maxBytes?: number; signal?: AbortSignal; key?: string },
): AsyncGenerator<Buffer> {
  const { maxBytes, signal, key } = options;
  signal?.throwIfAborted();
  const hash = createHash("sha256");
  const iterator = chunksOf(body);
  // One listener for the whole body: an abort destroys the body and fails the read under way.
  // (A race of every read against one long-lived abort promise would keep each chunk reachable
  // from that promise's reactions until the body ends: memory growing with the upload.)
  let failRead: ((reason: unknown) => void) | null = null;
  const onAbort = () => {
    destroyBody(body);
    failRead?.(signal?.reason);
  };
  signal?.addEventListener("abort", onAbort, { once: true });
  let completed = false;
  try {
    while (true) {
      const next =
        signal === undefined
          ? await iterator.next()
          : await new Promise<IteratorResult<Buffer>>((resolve, reject) => {
              failRead = reject;
              iterator.next().then(resolve, reject);
            });
      failRead = null;
      if (next.done) break;
      const chunk = next.value;
      measure.size_bytes += chunk.length;
      if (maxBytes !== undefined && measure.size_bytes > maxBytes) {
        throw sizeExceeded(maxBytes, key);
      }
      hash.update(chunk);
      yield chunk;
      signal?.throwIfAborted();
    }
    completed = true;
  } finally {
    failRead = null;
    signal?.removeEventListener("abort", onAbort);
    if (!completed) {
      destroyBody(body);
      void iterator.return(undefined).catch(() => {});
    }
  }
  measure.sha256 = hash.digest("hex");
}

/** Ends a stream body that will not be read to its end, so its source is released. */
function destroyBody(body: PutBody): void {
  const destroy = (body as { destroy?: unknown }).destroy;
  // Without an error: an error event nobody listens to would crash the process.
  if (typeof destroy === "function") destroy.call(body);
}

async function* chunksOf(body: PutBody): AsyncGenerator<Buffer> {
  if (typeof body === "string") {
    yield Buffer.from(body, "utf8");
    return;
  }
  if (body instanceof Uint8Array) {
    yield Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    return;
  }
  if (
    body === null ||
    typeof (body as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] !== "function"
  ) {
    throw new TypeError("a body must be bytes, a string, a Readable or an async iterable of bytes");
  }
  for await (const chunk of body as AsyncIterable<unknown>) {
    if (typeof chunk === "string") yield Buffer.from(chunk, "utf8");
    else if (chunk instanceof Uint8Array)
      yield Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    else throw new TypeError("a body stream must yield bytes");
  }
}
