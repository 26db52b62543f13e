import type { Readable } from "node:stream";

/**
 * Reads a whole stream into one buffer, refusing (with `onTooLarge`'s error) once it passes
 * `maxBytes`. Only for small documents (`input.json`, `output.json`); files are streamed.
 */
export async function readAllBounded(
  stream: Readable,
  maxBytes: number,
  onTooLarge: () => Error,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    total += buffer.length;
    if (total > maxBytes) {
      stream.destroy();
      throw onTooLarge();
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks, total);
}
