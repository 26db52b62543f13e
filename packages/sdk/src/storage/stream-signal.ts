import type { Readable } from "node:stream";

/**
 * Destroys `stream` with the signal's reason when `signal` aborts, and stops listening once the
 * stream closes, so a long-lived signal does not keep finished streams alive.
 */
export function destroyOnAbort<T extends Readable>(stream: T, signal: AbortSignal | undefined): T {
  if (signal === undefined) return stream;
  if (signal.aborted) {
    stream.destroy(signal.reason);
    return stream;
  }
  const onAbort = () => stream.destroy(signal.reason);
  signal.addEventListener("abort", onAbort, { once: true });
  stream.once("close", () => signal.removeEventListener("abort", onAbort));
  return stream;
}
