import { createHash, type Hash } from "node:crypto";
import { Transform, type TransformCallback } from "node:stream";
import { sizeExceeded } from "./storage-error";

const SHA256_HEX = /^[0-9a-f]{64}$/;
const SHA256_VERSION = /^sha256:([0-9a-f]{64})$/;

/** Lowercase hex SHA-256 of bytes or of UTF-8 text. */
export function sha256Hex(data: Uint8Array | string): string {
  return createHash("sha256").update(data).digest("hex");
}

/** Whether `value` is a lowercase hex SHA-256 digest. */
export function isSha256Hex(value: string): boolean {
  return SHA256_HEX.test(value);
}

/**
 * The `storage_version` of a local or memory object: `sha256:<digest>` (CONTRACT.md rule 2).
 * Throws a `TypeError` when `sha256` is not a lowercase hex digest.
 */
export function sha256StorageVersion(sha256: string): string {
  if (!isSha256Hex(sha256)) throw new TypeError("not a lowercase hex SHA-256 digest");
  return `sha256:${sha256}`;
}

/** The digest inside a `sha256:<digest>` storage version, or null for any other version (a GCS generation). */
export function digestOfStorageVersion(version: string): string | null {
  return SHA256_VERSION.exec(version)?.[1] ?? null;
}

/** Options of a `DigestStream`. */
export interface DigestStreamOptions {
  /**
   * Fail with `storage_size_exceeded` as soon as more than this many bytes pass, so nothing past
   * the ceiling reaches the next stream. Default: no ceiling.
   */
  maxBytes?: number;
  /** Named in the size error's details. Default: none. */
  key?: string;
}

/**
 * A pass-through that measures what flows through it: the byte count and the SHA-256, with an
 * optional ceiling. Put it in a pipeline to hash while streaming (an upload, a staged input
 * file); read `sizeBytes` and `sha256` once the pipeline has finished.
 */
export class DigestStream extends Transform {
  #hash: Hash = createHash("sha256");
  #bytes = 0;
  #digest: string | undefined;
  readonly #maxBytes: number | undefined;
  readonly #key: string | undefined;

  constructor(options: DigestStreamOptions = {}) {
    super();
    this.#maxBytes = options.maxBytes;
    this.#key = options.key;
  }

  /** Bytes seen so far. */
  get sizeBytes(): number {
    return this.#bytes;
  }

  /** Lowercase hex SHA-256 of every byte seen; throws until the stream has flushed. */
  get sha256(): string {
    if (this.#digest === undefined)
      throw new Error("the digest is known only after the stream ends");
    return this.#digest;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#bytes += chunk.length;
    if (this.#maxBytes !== undefined && this.#bytes > this.#maxBytes) {
      callback(sizeExceeded(this.#maxBytes, this.#key));
      return;
    }
    this.#hash.update(chunk);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    this.#digest = this.#hash.digest("hex");
    callback();
  }
}

/**
 * Reads a stream to its end and returns its size and SHA-256, holding one chunk at a time.
 * With `maxBytes`, fails with `storage_size_exceeded` as soon as the stream passes it.
 */
export async function digestOf(
  source: AsyncIterable<Uint8Array | string>,
  options: DigestStreamOptions = {},
): Promise<{ size_bytes: number; sha256: string }> {
  const hash = createHash("sha256");
  let size = 0;
  for await (const chunk of source) {
    const bytes = typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk;
    size += bytes.byteLength;
    if (options.maxBytes !== undefined && size > options.maxBytes) {
      throw sizeExceeded(options.maxBytes, options.key);
    }
    hash.update(bytes);
  }
  return { size_bytes: size, sha256: hash.digest("hex") };
}
