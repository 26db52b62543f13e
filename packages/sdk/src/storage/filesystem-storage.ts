import { randomUUID } from "node:crypto";
import { constants, type Dirent, type Stats } from "node:fs";
import { type FileHandle, link, lstat, mkdir, open, readdir, realpath, rm } from "node:fs/promises";
import { dirname, join, resolve, sep } from "node:path";
import { PassThrough, type Readable } from "node:stream";
import { fileURLToPath, pathToFileURL } from "node:url";
import { assertMaxBytes, byteLimit } from "./byte-limit";
import { digestOf, sha256StorageVersion } from "./digest";
import { errnoCode, fromFsError } from "./filesystem-errors";
import { ensureParentFolder, escapesRoot, isWithin } from "./filesystem-paths";
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

/** Options of `FilesystemStorage`. */
export interface FilesystemStorageOptions {
  /** The folder every key lives under; created on the first write. Relative paths resolve against the working directory. */
  root: string;
}

/**
 * The name prefix of in-flight writes. Keys may not use it, and listings hide it, so a half-written
 * temporary file is never mistaken for an object.
 */
export const TEMP_PREFIX = ".validibot-tmp-";

/**
 * A storage adapter on a local folder: `file:///abs/root/key` URIs. Writes are atomic and
 * create-only: the body streams into a temporary file beside the target, is fsynced, then
 * hard-linked into place, so of concurrent writers of one key exactly one wins, a reader never sees
 * a partial file, and a failed or aborted write leaves nothing behind. Every key stays under the
 * root, symlinks included. `storage_version` is `sha256:<digest>`, computed from the bytes whenever
 * asked, never cached.
 */
export class FilesystemStorage implements StorageAdapter {
  /** Always `file`. */
  readonly scheme = "file" as const;
  /** The absolute root folder, as configured (symlinks in it are not resolved). */
  readonly root: string;
  #realRoot: string | undefined;

  constructor(options: FilesystemStorageOptions) {
    if (
      typeof options?.root !== "string" ||
      options.root.length === 0 ||
      options.root.includes("\0")
    ) {
      throw storageError("storage_path_invalid", "FilesystemStorage needs a root folder");
    }
    this.root = resolve(options.root);
  }

  /** `file:///abs/root/key`. */
  uriFor(key: string): string {
    return pathToFileURL(join(this.root, checkKey(key))).href;
  }

  /** The key of a `file://` URI under the root; `storage_path_invalid` for any other URI. */
  keyFor(uri: string): string {
    let path: string;
    try {
      path = fileURLToPath(uri);
    } catch (cause) {
      throw storageError("storage_path_invalid", "not a local file:// URI", {
        cause,
        details: { uri: String(uri) },
      });
    }
    if (path === this.root || !isWithin(this.root, path)) {
      throw storageError("storage_path_invalid", "the URI is not under the storage root", {
        details: { uri },
      });
    }
    return checkKey(
      path
        .slice(this.root.length + (this.root.endsWith(sep) ? 0 : 1))
        .split(sep)
        .join("/"),
    );
  }

  /** Writes a new object atomically; `storage_already_exists` if the key is taken. */
  async put(key: string, body: PutBody, options: PutOptions = {}): Promise<StoredObject> {
    checkKey(key);
    assertMaxBytes(options.maxBytes);
    const length = knownLength(body);
    if (length !== null && options.maxBytes !== undefined && length > options.maxBytes) {
      throw sizeExceeded(options.maxBytes, key);
    }
    options.signal?.throwIfAborted();
    try {
      const realRoot = await this.#ensureRealRoot();
      const folder = await ensureParentFolder(realRoot, key);
      const target = join(folder, leafOf(key));
      if (await exists(target)) throw alreadyExists(key);
      const temp = join(folder, `${TEMP_PREFIX}${randomUUID()}`);
      const measure = await writeTemp(temp, body, { ...options, key });
      try {
        await link(temp, target);
      } catch (error) {
        throw errnoCode(error) === "EEXIST" ? alreadyExists(key) : error;
      } finally {
        await rm(temp, { force: true });
      }
      await syncFolder(folder);
      return {
        uri: this.uriFor(key),
        key,
        size_bytes: measure.size_bytes,
        sha256: measure.sha256,
        storage_version: sha256StorageVersion(measure.sha256),
      };
    } catch (error) {
      throw fromFsError(error, key);
    }
  }

  /**
   * A stream of the object's bytes; rejects at once when the file is larger than `maxBytes`, and
   * with `storage_path_invalid` when the key names anything but a regular file (a FIFO, a socket,
   * a device: refused without opening it) or, with `noSymlinks`, goes through a symbolic link.
   */
  async get(key: string, options: GetOptions = {}): Promise<Readable> {
    checkKey(key);
    assertMaxBytes(options.maxBytes);
    options.signal?.throwIfAborted();
    const opened = await this.#openObject(key, { noSymlinks: options.noSymlinks === true });
    if (opened === null) throw notFound(key);
    const { handle, info } = opened;
    if (options.maxBytes !== undefined && info.size > options.maxBytes) {
      await handle.close();
      throw sizeExceeded(options.maxBytes, key);
    }
    const file = handle.createReadStream({ autoClose: true });
    const target =
      options.maxBytes === undefined ? new PassThrough() : byteLimit(options.maxBytes, key);
    return destroyOnAbort(
      relay(file, target, (error) => fromFsError(error, key)),
      options.signal,
    );
  }

  /** Size, `sha256:<digest>` version (read from the bytes now) and write time, or null. */
  async stat(key: string): Promise<ObjectStat | null> {
    checkKey(key);
    const opened = await this.#openObject(key);
    if (opened === null) return null;
    const { handle, info } = opened;
    try {
      const { sha256 } = await digestOf(handle.createReadStream({ autoClose: false }));
      return {
        uri: this.uriFor(key),
        key,
        size_bytes: info.size,
        storage_version: sha256StorageVersion(sha256),
        updated_at: info.mtime.toISOString(),
      };
    } catch (error) {
      throw fromFsError(error, key);
    } finally {
      await handle.close();
    }
  }

  /**
   * Every object whose key starts with `prefix`, in key order, each hashed for its version.
   * Symlinks are not followed and in-flight temporary files are not listed.
   */
  async list(prefix: string): Promise<ObjectStat[]> {
    assertSafePrefix(prefix);
    const base = prefix.slice(0, prefix.lastIndexOf("/") + 1);
    const keys: string[] = [];
    try {
      const realRoot = await this.#existingRealRoot();
      if (realRoot === null) return [];
      const start = await realpath(join(realRoot, base));
      if (!isWithin(realRoot, start)) throw escapesRoot(prefix);
      await walk(start, base, prefix, keys);
    } catch (error) {
      const code = errnoCode(error);
      if (code === "ENOENT" || code === "ENOTDIR") return [];
      throw fromFsError(error, prefix);
    }
    keys.sort(compareKeys);
    const stats: ObjectStat[] = [];
    for (const key of keys) {
      const stat = await this.stat(key).catch((error: unknown) => {
        // Deleted, or replaced by something that is not a file, since the walk: not listed.
        if ((error as { code?: unknown }).code === "storage_not_found") return null;
        throw error;
      });
      if (stat !== null) stats.push(stat);
    }
    return stats;
  }

  /** Removes an object; absent objects are not an error. A symlink key removes the link only. */
  async delete(key: string): Promise<void> {
    checkKey(key);
    try {
      const realRoot = await this.#existingRealRoot();
      if (realRoot === null) return;
      const folder = await realpath(join(realRoot, dirname(key)));
      if (!isWithin(realRoot, folder)) throw escapesRoot(key);
      const target = join(folder, leafOf(key));
      const info = await lstat(target);
      if (info.isDirectory()) return;
      await rm(target, { force: true });
      await syncFolder(folder);
    } catch (error) {
      const code = errnoCode(error);
      if (code === "ENOENT" || code === "ENOTDIR") return;
      throw fromFsError(error, key);
    }
  }

  /** The root's real path, creating the root first. */
  async #ensureRealRoot(): Promise<string> {
    if (this.#realRoot === undefined) {
      await mkdir(this.root, { recursive: true });
      this.#realRoot = await realpath(this.root);
    }
    return this.#realRoot;
  }

  /** The root's real path, or null while the root does not exist. */
  async #existingRealRoot(): Promise<string | null> {
    if (this.#realRoot !== undefined) return this.#realRoot;
    try {
      this.#realRoot = await realpath(this.root);
      return this.#realRoot;
    } catch (error) {
      if (errnoCode(error) === "ENOENT") return null;
      throw error;
    }
  }

  /**
   * Opens the regular file of `key` read-only; null when absent (or a folder). Its real path must
   * stay under the root (and, with `noSymlinks`, be the key's own path). Anything but a regular
   * file (a FIFO, a socket, a device) is refused from `lstat` alone, before any open, so a reader
   * never blocks on it; the open adds `O_NOFOLLOW | O_NONBLOCK`, and `fstat` must find the file
   * `lstat` saw, so a swap in between is refused too.
   */
  async #openObject(
    key: string,
    options: { noSymlinks?: boolean } = {},
  ): Promise<{ handle: FileHandle; info: Stats } | null> {
    try {
      const realRoot = await this.#existingRealRoot();
      if (realRoot === null) return null;
      const path = join(realRoot, key);
      const real = await realpath(path);
      if (!isWithin(realRoot, real)) throw escapesRoot(key);
      if (options.noSymlinks && real !== path) throw throughLink(key);
      const seen = await lstat(real);
      if (seen.isDirectory()) return null;
      if (!seen.isFile()) throw notRegular(key, seen);
      const handle = await open(
        real,
        constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK,
      );
      const info = await handle.stat();
      if (!info.isFile() || info.ino !== seen.ino || info.dev !== seen.dev) {
        await handle.close();
        throw notRegular(key, info);
      }
      return { handle, info };
    } catch (error) {
      const code = errnoCode(error);
      if (code === "ENOENT" || code === "ENOTDIR") return null;
      throw fromFsError(error, key);
    }
  }
}

/** What kind of file system entry `info` is, for an error message. */
function kindOf(info: Stats): string {
  if (info.isFIFO()) return "a FIFO";
  if (info.isSocket()) return "a socket";
  if (info.isCharacterDevice() || info.isBlockDevice()) return "a device";
  if (info.isSymbolicLink()) return "a symbolic link";
  if (info.isFile()) return "a file replaced while it was opened";
  return "not a regular file";
}

function notRegular(key: string, info: Stats) {
  return storageError("storage_path_invalid", `the object is ${kindOf(info)}, not a regular file`, {
    key,
  });
}

function throughLink(key: string) {
  return storageError("storage_path_invalid", "the key's path goes through a symbolic link", {
    key,
  });
}

function checkKey(key: string): string {
  assertSafeKey(key);
  if (key.split("/").some((segment) => segment.startsWith(TEMP_PREFIX))) {
    throw storageError("storage_path_invalid", `a key segment may not start with ${TEMP_PREFIX}`, {
      key,
    });
  }
  return key;
}

function leafOf(key: string): string {
  return key.slice(key.lastIndexOf("/") + 1);
}

function notFound(key: string) {
  return storageError("storage_not_found", "no object with this key", { key });
}

function alreadyExists(key: string) {
  return storageError("storage_already_exists", "an object with this key already exists", { key });
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (error) {
    if (errnoCode(error) === "ENOENT") return false;
    throw error;
  }
}

/** Streams the body into a new temporary file and fsyncs it; on any failure the file is removed. */
async function writeTemp(
  temp: string,
  body: PutBody,
  options: PutOptions & { key: string },
): Promise<BodyMeasure> {
  const measure: BodyMeasure = { size_bytes: 0, sha256: "" };
  const handle = await open(temp, "wx");
  try {
    for await (const chunk of measuredChunks(body, measure, options)) {
      let offset = 0;
      while (offset < chunk.length) {
        const { bytesWritten } = await handle.write(chunk, offset);
        offset += bytesWritten;
      }
    }
    await handle.sync();
    await handle.close();
    return measure;
  } catch (error) {
    await handle.close().catch(() => {});
    await rm(temp, { force: true });
    throw error;
  }
}

/** Makes a folder's new or removed entries durable; a no-op where folders cannot be fsynced. */
async function syncFolder(folder: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(folder, "r");
    await handle.sync();
  } catch {
    // Some platforms and filesystems refuse to open or fsync a folder; the data itself is synced.
  } finally {
    await handle?.close();
  }
}

async function walk(
  folder: string,
  folderKey: string,
  prefix: string,
  keys: string[],
): Promise<void> {
  let entries: Dirent[];
  try {
    entries = await readdir(folder, { withFileTypes: true });
  } catch (error) {
    const code = errnoCode(error);
    if (code === "ENOENT" || code === "ENOTDIR") return;
    throw error;
  }
  for (const entry of entries) {
    if (entry.name.startsWith(TEMP_PREFIX)) continue;
    const key = `${folderKey}${entry.name}`;
    if (!isSafeKey(key)) continue;
    if (entry.isDirectory()) {
      const sub = `${key}/`;
      if (sub.startsWith(prefix) || prefix.startsWith(sub)) {
        await walk(join(folder, entry.name), sub, prefix, keys);
      }
    } else if (entry.isFile() && key.startsWith(prefix)) {
      keys.push(key);
    }
  }
}
