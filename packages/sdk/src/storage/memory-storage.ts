import { Readable } from "node:stream";
import { assertMaxBytes } from "./byte-limit";
import { sha256StorageVersion } from "./digest";
import { assertSafeKey, assertSafePrefix, compareKeys } from "./keys";
import { registerMemoryStorage } from "./memory-registry";
import { type BodyMeasure, knownLength, measuredChunks } from "./put-body";
import { sizeExceeded, storageError } from "./storage-error";
import { destroyOnAbort } from "./stream-signal";
import type {
  GetOptions,
  ObjectStat,
  PutBody,
  PutOptions,
  StorageAdapter,
  StoredObject,
} from "./types";

/** Options of `MemoryStorage`. */
export interface MemoryStorageOptions {
  /**
   * The name in `memory://<name>/<key>` URIs, and under which `storageForUri` finds this adapter.
   * Default: a fresh name (`memory-1`, `memory-2`, ...), so two adapters never share URIs.
   */
  name?: string;
}

interface MemoryObject {
  data: Buffer;
  sha256: string;
  contentType: string | undefined;
  updatedAt: string;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
const CHUNK = 64 * 1024;
let nextId = 0;

/**
 * A storage adapter that keeps objects in this process's memory: `memory://<name>/<key>` URIs,
 * with the same create-only writes, byte ceilings and key rules as the other adapters. For tests
 * and mock mode; everything is lost when the process ends.
 */
export class MemoryStorage implements StorageAdapter {
  /** Always `memory`. */
  readonly scheme = "memory" as const;
  /** The name in this adapter's URIs. */
  readonly name: string;
  readonly #objects = new Map<string, MemoryObject>();

  constructor(options: MemoryStorageOptions = {}) {
    const name = options.name ?? `memory-${++nextId}`;
    if (!NAME.test(name)) {
      throw storageError(
        "storage_path_invalid",
        "a MemoryStorage name is 1 to 63 letters, digits, '.', '_' or '-'",
        { details: { name } },
      );
    }
    this.name = name;
    registerMemoryStorage(this);
  }

  /** `memory://<name>/<key>`. */
  uriFor(key: string): string {
    return `memory://${this.name}/${assertSafeKey(key)}`;
  }

  /** The key of a `memory://<name>/...` URI of this adapter. */
  keyFor(uri: string): string {
    const base = `memory://${this.name}/`;
    if (typeof uri !== "string" || !uri.startsWith(base)) {
      throw storageError("storage_path_invalid", `not a URI of ${base}`, {
        details: { uri: String(uri) },
      });
    }
    return assertSafeKey(uri.slice(base.length));
  }

  /** Stores a new object; the first of concurrent writers of one key to finish wins. */
  async put(key: string, body: PutBody, options: PutOptions = {}): Promise<StoredObject> {
    assertSafeKey(key);
    assertMaxBytes(options.maxBytes);
    const length = knownLength(body);
    if (length !== null && options.maxBytes !== undefined && length > options.maxBytes) {
      throw sizeExceeded(options.maxBytes, key);
    }
    this.#refuseExisting(key);
    const measure: BodyMeasure = { size_bytes: 0, sha256: "" };
    const chunks: Buffer[] = [];
    for await (const chunk of measuredChunks(body, measure, { ...options, key })) {
      chunks.push(Buffer.from(chunk));
    }
    this.#refuseExisting(key);
    const object: MemoryObject = {
      data: Buffer.concat(chunks, measure.size_bytes),
      sha256: measure.sha256,
      contentType: options.contentType,
      updatedAt: new Date().toISOString(),
    };
    this.#objects.set(key, object);
    return {
      uri: this.uriFor(key),
      key,
      size_bytes: measure.size_bytes,
      sha256: measure.sha256,
      storage_version: sha256StorageVersion(measure.sha256),
    };
  }

  /** A stream of the object's bytes; rejects at once when it is larger than `maxBytes`. */
  async get(key: string, options: GetOptions = {}): Promise<Readable> {
    assertSafeKey(key);
    assertMaxBytes(options.maxBytes);
    options.signal?.throwIfAborted();
    const object = this.#objects.get(key);
    if (object === undefined) throw notFound(key);
    if (options.maxBytes !== undefined && object.data.length > options.maxBytes) {
      throw sizeExceeded(options.maxBytes, key);
    }
    const { data } = object;
    const stream = Readable.from(
      (function* () {
        for (let offset = 0; offset < data.length; offset += CHUNK) {
          yield data.subarray(offset, offset + CHUNK);
        }
      })(),
      { objectMode: false },
    );
    return destroyOnAbort(stream, options.signal);
  }

  /** The object's size, version and write time, or null. */
  async stat(key: string): Promise<ObjectStat | null> {
    assertSafeKey(key);
    const object = this.#objects.get(key);
    return object === undefined ? null : this.#statOf(key, object);
  }

  /** Every object whose key starts with `prefix`, in key order. */
  async list(prefix: string): Promise<ObjectStat[]> {
    assertSafePrefix(prefix);
    return [...this.#objects.entries()]
      .filter(([key]) => key.startsWith(prefix))
      .sort(([a], [b]) => compareKeys(a, b))
      .map(([key, object]) => this.#statOf(key, object));
  }

  /** Removes an object; absent objects are not an error. */
  async delete(key: string): Promise<void> {
    assertSafeKey(key);
    this.#objects.delete(key);
  }

  #refuseExisting(key: string): void {
    if (this.#objects.has(key)) {
      throw storageError("storage_already_exists", "an object with this key already exists", {
        key,
      });
    }
  }

  #statOf(key: string, object: MemoryObject): ObjectStat {
    return {
      uri: this.uriFor(key),
      key,
      size_bytes: object.data.length,
      storage_version: sha256StorageVersion(object.sha256),
      updated_at: object.updatedAt,
    };
  }
}

function notFound(key: string) {
  return storageError("storage_not_found", "no object with this key", { key });
}
