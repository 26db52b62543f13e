import type { Readable } from "node:stream";

/** The URI schemes storage adapters speak. */
export type StorageScheme = "file" | "gs" | "memory";

/** What a create-only write stored: where, how big, its digest and its version. */
export interface StoredObject {
  /** The object's URI (`file:///abs/path`, `gs://bucket/key`, `memory://name/key`). */
  uri: string;
  /** The key, relative to the adapter's root. */
  key: string;
  /** Exact size in bytes. */
  size_bytes: number;
  /** Lowercase hex SHA-256 of the bytes, computed while streaming. */
  sha256: string;
  /** The GCS generation, or `sha256:<digest>` for local and memory objects (CONTRACT.md rule 2). */
  storage_version: string;
}

/** What is known about an object without reading it. */
export interface ObjectStat {
  uri: string;
  key: string;
  size_bytes: number;
  storage_version: string;
  /** Last write time, ISO 8601. */
  updated_at: string;
}

/** Options of a create-only write. */
export interface PutOptions {
  /** Stored as the object's content type where the backend keeps one. Default: none. */
  contentType?: string;
  /** Refuse (`storage_size_exceeded`) and store nothing once the body passes this many bytes. */
  maxBytes?: number;
  /** Aborts the write: `put` rejects with the signal's reason and nothing is left behind. */
  signal?: AbortSignal;
}

/** Options of a read. */
export interface GetOptions {
  /**
   * A ceiling: the stream errors with `storage_size_exceeded` as soon as more bytes than this
   * arrive, so a reader never buffers more than it allowed; when the stored size is already known
   * to be larger, `get` itself rejects with that code. Default: no ceiling.
   */
  maxBytes?: number;
  /** Destroys the stream with the signal's reason when it aborts. */
  signal?: AbortSignal;
  /**
   * Refuse (`storage_path_invalid`) a key whose path goes through a symbolic link anywhere below
   * the root, even one that stays inside it: what a reader of a bundle written by untrusted code
   * (an output, an artifact) asks for, so a link cannot point it at another run's files.
   * Adapters without links (GCS, memory) have nothing to refuse. Default: false (links that stay
   * under the root are followed).
   */
  noSymlinks?: boolean;
}

/** A body to store: bytes, text (UTF-8), or a stream of bytes. */
export type PutBody = Uint8Array | string | Readable | AsyncIterable<Uint8Array>;

/**
 * Where bundles live. Keys are `/`-separated relative paths (`runs/org/run/attempts/a/input.json`);
 * every adapter confines keys under its root and writes create-only: a second `put` of a key
 * fails with `storage_already_exists` and leaves the first object untouched. Errors are
 * `ValidibotError`s with `storage_*` codes.
 */
export interface StorageAdapter {
  /** The URI scheme of this adapter. */
  readonly scheme: StorageScheme;
  /** The URI of a key. Throws `storage_path_invalid` for an unsafe key. */
  uriFor(key: string): string;
  /** The key of a URI inside this adapter's root; throws `storage_path_invalid` otherwise. */
  keyFor(uri: string): string;
  /** Writes a new object, streaming, computing size and SHA-256 on the way. */
  put(key: string, body: PutBody, options?: PutOptions): Promise<StoredObject>;
  /** A stream of the object's bytes; `storage_not_found` when absent. */
  get(key: string, options?: GetOptions): Promise<Readable>;
  /** The object's metadata, or null when absent. */
  stat(key: string): Promise<ObjectStat | null>;
  /** Every object whose key starts with `prefix`, in key order. */
  list(prefix: string): Promise<ObjectStat[]>;
  /** Removes an object; absent objects are not an error. */
  delete(key: string): Promise<void>;
}
