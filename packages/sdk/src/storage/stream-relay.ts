import type { Readable, Transform } from "node:stream";

/**
 * Pipes `source` into `target` and hands `target` to the reader: errors of the source reach the
 * reader through `mapError` (as `ValidibotError`s), and a reader that stops early (destroying
 * `target`) releases the source. `pipe()` alone does neither.
 */
export function relay<T extends Transform>(
  source: Readable,
  target: T,
  mapError: (error: unknown) => unknown,
): T {
  source.on("error", (error) => target.destroy(mapError(error) as Error));
  target.on("close", () => source.destroy());
  source.pipe(target);
  return target;
}
