import type { IncomingHttpHeaders } from "node:http";
import { PassThrough, Readable, type Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Bucket, FileMetadata, Storage, StorageOptions } from "@google-cloud/storage";
import { assertMaxBytes, byteLimit } from "./byte-limit";
import { gcsClientFor } from "./gcs-client";
import { fromGcsError, gcsStatusOf } from "./gcs-errors";
import { assertSafeKey, assertSafePrefix, compareKeys, isSafeKey } from "./keys";
import { type BodyMeasure, knownLength, measuredChunks } from "./put-body";
import { sizeExceeded, storageError } from "./storage-error";
import { relay } from "./stream-relay";
import { destroyOnAbort } from "./stream-signal";
import type {
  GetOptions,
  ObjectStat,
  PutBody,
  PutOptions,
  StorageAdapter,
  StoredObject,
} from "./types";

/**
 * What `GcsStorage` needs of a host's client: a `Storage` of `@google-cloud/storage` fits. Typed
 * structurally so that hosts without the optional peer type-check the package's declarations.
 */
export interface GcsClientLike {
  bucket(name: string): unknown;
}

/**
 * The `StorageOptions` of `@google-cloud/storage` (`apiEndpoint`, `projectId`, `retryOptions`,
 * credentials, ...), passed to its `Storage` constructor unchanged. Typed as any object so that
 * hosts without the optional peer type-check the package's declarations.
 */
export type GcsClientOptions = object;

/** Options of `GcsStorage`. */
export interface GcsStorageOptions {
  /** The bucket every key lives in. */
  bucket: string;
  /**
   * A folder inside the bucket that keys live under (`validibot` puts `runs/...` at
   * `gs://bucket/validibot/runs/...`). Default: the bucket's top.
   */
  prefix?: string;
  /**
   * A ready `@google-cloud/storage` client (a `Storage`), shared with the host. Default: one
   * made from `clientOptions`.
   */
  storage?: GcsClientLike;
  /**
   * Options of the client made when `storage` is absent (`apiEndpoint`, `projectId`,
   * `retryOptions`, credentials, ...); one client is made per options object and shared.
   * Default: Application Default Credentials.
   */
  clientOptions?: GcsClientOptions;
  /**
   * Bodies of at least this many bytes go up as resumable uploads, smaller ones as a single
   * multipart request (one round trip instead of two). Up to this many bytes of a stream body are
   * held in memory to decide. Default: 5 MiB.
   */
  resumableThreshold?: number;
  /**
   * Send resumable uploads in requests of this many bytes (a multiple of 256 KiB), each held in
   * memory so a failed request can be resent. Default: none, one streaming request.
   */
  chunkSize?: number;
}

/** The default `resumableThreshold`: 5 MiB. */
export const DEFAULT_RESUMABLE_THRESHOLD = 5 * 1024 * 1024;

const BUCKET = /^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$/;
const LIST_PAGE = 1000;

/**
 * A storage adapter on a Google Cloud Storage bucket: `gs://bucket/key` URIs, the object
 * generation as `storage_version`. Writes are create-only (`ifGenerationMatch: 0`, so a taken key
 * is `storage_already_exists`), stream in constant memory and are checked end to end: SHA-256 and
 * size are computed on the way and the client validates CRC32C on uploads and downloads.
 * `@google-cloud/storage` is loaded on first use.
 */
export class GcsStorage implements StorageAdapter {
  /** Always `gs`. */
  readonly scheme = "gs" as const;
  /** The bucket. */
  readonly bucket: string;
  /** The folder inside the bucket, `""` or ending with `/`. */
  readonly prefix: string;
  readonly #options: GcsStorageOptions;

  constructor(options: GcsStorageOptions) {
    if (typeof options?.bucket !== "string" || !BUCKET.test(options.bucket)) {
      throw storageError("storage_path_invalid", "not a valid bucket name", {
        details: { bucket: String(options?.bucket) },
      });
    }
    const { resumableThreshold, chunkSize } = options;
    if (resumableThreshold !== undefined) assertMaxBytes(resumableThreshold);
    if (
      chunkSize !== undefined &&
      !(Number.isSafeInteger(chunkSize) && chunkSize > 0 && chunkSize % (256 * 1024) === 0)
    ) {
      throw new RangeError("chunkSize must be a positive multiple of 256 KiB");
    }
    this.bucket = options.bucket;
    const prefix = (options.prefix ?? "").replace(/\/+$/, "");
    this.prefix = prefix === "" ? "" : `${assertSafeKey(prefix)}/`;
    this.#options = options;
  }

  /** `gs://bucket/<prefix>key`. */
  uriFor(key: string): string {
    return `gs://${this.bucket}/${this.prefix}${assertSafeKey(key)}`;
  }

  /** The key of a `gs://` URI in this bucket and prefix; `storage_path_invalid` otherwise. */
  keyFor(uri: string): string {
    const base = `gs://${this.bucket}/${this.prefix}`;
    if (typeof uri !== "string" || !uri.startsWith(base)) {
      throw storageError("storage_path_invalid", `not a URI under ${base}`, {
        details: { uri: String(uri) },
      });
    }
    return assertSafeKey(uri.slice(base.length));
  }

  /** Uploads a new object create-only; `storage_already_exists` if the key is taken. */
  async put(key: string, body: PutBody, options: PutOptions = {}): Promise<StoredObject> {
    assertSafeKey(key);
    assertMaxBytes(options.maxBytes);
    const length = knownLength(body);
    if (length !== null && options.maxBytes !== undefined && length > options.maxBytes) {
      throw sizeExceeded(options.maxBytes, key);
    }
    options.signal?.throwIfAborted();
    const file = (await this.#getBucket()).file(this.prefix + key);
    const measure: BodyMeasure = { size_bytes: 0, sha256: "" };
    const threshold = this.#options.resumableThreshold ?? DEFAULT_RESUMABLE_THRESHOLD;
    try {
      const chunks = measuredChunks(body, measure, { ...options, key });
      const { resumable, source } =
        length === null
          ? await peek(chunks, threshold)
          : { resumable: length >= threshold, source: chunks };
      const upload = file.createWriteStream({
        resumable,
        validation: "crc32c",
        preconditionOpts: { ifGenerationMatch: 0 },
        ...(options.contentType === undefined ? {} : { contentType: options.contentType }),
        ...(this.#options.chunkSize === undefined ? {} : { chunkSize: this.#options.chunkSize }),
      });
      await pipeline(Readable.from(source), upload);
    } catch (error) {
      if (options.signal?.aborted && error === options.signal.reason) throw error;
      throw fromGcsError(error, key);
    }
    const metadata = file.metadata;
    if (metadata.generation === undefined || Number(metadata.size) !== measure.size_bytes) {
      throw storageError(
        "storage_unavailable",
        "the upload's metadata does not match what was sent",
        {
          key,
          details: { size_bytes: measure.size_bytes, stored_size: metadata.size },
        },
      );
    }
    return {
      uri: this.uriFor(key),
      key,
      size_bytes: measure.size_bytes,
      sha256: measure.sha256,
      storage_version: String(metadata.generation),
    };
  }

  /**
   * A stream of the object's bytes, CRC32C-checked by the client (a mismatch fails the stream with
   * `storage_unavailable`). Rejects at once when the object is absent or larger than `maxBytes`.
   */
  async get(key: string, options: GetOptions = {}): Promise<Readable> {
    assertSafeKey(key);
    assertMaxBytes(options.maxBytes);
    options.signal?.throwIfAborted();
    const file = (await this.#getBucket()).file(this.prefix + key);
    const source = file.createReadStream({ validation: "crc32c" });
    const target: Transform =
      options.maxBytes === undefined ? new PassThrough() : byteLimit(options.maxBytes, key);
    relay(source, target, (error) => fromGcsError(error, key));
    // A failure between this answer and the caller's first read stays on `target.errored`, which
    // pipeline() and async iteration report; without a listener it would crash the process.
    target.on("error", () => {});
    destroyOnAbort(target, options.signal);
    const headers = await new Promise<IncomingHttpHeaders>((resolve, reject) => {
      target.once("error", reject);
      target.once("close", () => reject(target.errored ?? new Error("the download closed early")));
      source.on("response", (response: { statusCode?: number; headers?: IncomingHttpHeaders }) => {
        const status = response.statusCode ?? 0;
        if (status >= 200 && status < 300) resolve(response.headers ?? {});
      });
    });
    const stored = Number(headers["x-goog-stored-content-length"] ?? headers["content-length"]);
    if (options.maxBytes !== undefined && Number.isFinite(stored) && stored > options.maxBytes) {
      target.destroy();
      throw sizeExceeded(options.maxBytes, key);
    }
    return target;
  }

  /** The object's size, generation and update time from its metadata, or null. */
  async stat(key: string): Promise<ObjectStat | null> {
    assertSafeKey(key);
    const file = (await this.#getBucket()).file(this.prefix + key);
    try {
      const [metadata] = await file.getMetadata();
      return this.#statOf(key, metadata);
    } catch (error) {
      if (gcsStatusOf(error) === 404) return null;
      throw fromGcsError(error, key);
    }
  }

  /**
   * Every object whose key starts with `prefix`, in key order, page by page. Objects whose
   * names are not safe keys (written by other tools) are left out.
   */
  async list(prefix: string): Promise<ObjectStat[]> {
    assertSafePrefix(prefix);
    const bucket = await this.#getBucket();
    const stats: ObjectStat[] = [];
    let pageToken: string | undefined;
    try {
      do {
        const [files, next] = await bucket.getFiles({
          prefix: this.prefix + prefix,
          autoPaginate: false,
          maxResults: LIST_PAGE,
          ...(pageToken === undefined ? {} : { pageToken }),
        });
        for (const file of files) {
          const key = file.name.slice(this.prefix.length);
          if (isSafeKey(key)) stats.push(this.#statOf(key, file.metadata));
        }
        pageToken = (next as { pageToken?: string } | null)?.pageToken;
      } while (pageToken);
    } catch (error) {
      throw fromGcsError(error, prefix);
    }
    return stats.sort((a, b) => compareKeys(a.key, b.key));
  }

  /** Removes an object; absent objects are not an error. */
  async delete(key: string): Promise<void> {
    assertSafeKey(key);
    const file = (await this.#getBucket()).file(this.prefix + key);
    try {
      await file.delete({ ignoreNotFound: true });
    } catch (error) {
      throw fromGcsError(error, key);
    }
  }

  #statOf(key: string, metadata: FileMetadata): ObjectStat {
    return {
      uri: this.uriFor(key),
      key,
      size_bytes: Number(metadata.size ?? 0),
      storage_version: String(metadata.generation),
      updated_at: new Date(metadata.updated ?? metadata.timeCreated ?? 0).toISOString(),
    };
  }

  async #getBucket(): Promise<Bucket> {
    const client =
      (this.#options.storage as Storage | undefined) ??
      (await gcsClientFor(this.#options.clientOptions as StorageOptions | undefined));
    return client.bucket(this.bucket);
  }
}

/**
 * Reads up to `threshold` bytes ahead: a body that ends before is sent in one request, a longer
 * one resumably. Either way every byte read ahead is sent first.
 */
async function peek(
  chunks: AsyncGenerator<Buffer>,
  threshold: number,
): Promise<{ resumable: boolean; source: Iterable<Buffer> | AsyncIterable<Buffer> }> {
  const head: Buffer[] = [];
  let size = 0;
  while (size < threshold) {
    const next = await chunks.next();
    if (next.done) return { resumable: false, source: head };
    head.push(next.value);
    size += next.value.length;
  }
  return {
    resumable: true,
    source: (async function* () {
      yield* head;
      yield* chunks;
    })(),
  };
}
