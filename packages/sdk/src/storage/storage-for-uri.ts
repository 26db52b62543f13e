import { dirname, parse } from "node:path";
import { fileURLToPath } from "node:url";
import { FilesystemStorage } from "./filesystem-storage";
import {
  type GcsClientLike,
  type GcsClientOptions,
  GcsStorage,
  type GcsStorageOptions,
} from "./gcs-storage";
import { findMemoryStorage } from "./memory-registry";
import { storageError } from "./storage-error";
import type { StorageAdapter } from "./types";

/** Options of `storageForUri`. */
export interface StorageForUriOptions {
  /**
   * For `file://` URIs: root the adapter here when the file lies under it, so the key keeps its
   * folders. Default: the file's own folder (the key is then the file name).
   */
  fileRoot?: string;
  /** For `gs://` URIs: a ready client to share. Default: one made from `gcsClientOptions`. */
  gcsStorage?: GcsClientLike;
  /** For `gs://` URIs without `gcsStorage`: the client's options. Default: Application Default Credentials. */
  gcsClientOptions?: GcsClientOptions;
  /** For `gs://` URIs: passed on to `GcsStorage` (`resumableThreshold`, `chunkSize`). */
  gcs?: Pick<GcsStorageOptions, "resumableThreshold" | "chunkSize">;
}

/** An adapter and the key that a URI names in it. */
export interface StorageLocation {
  storage: StorageAdapter;
  key: string;
}

/**
 * The adapter and key a URI names: `file:///a/b/c` is `c` in a `FilesystemStorage` rooted at
 * `/a/b` (or `b/c` under a `fileRoot` of `/a`), `gs://bucket/k` is `k` in a `GcsStorage` of that
 * bucket, and `memory://name/k` is `k` in the `MemoryStorage` of that name living in this process.
 * How a runtime reads `input.json` and input files from the URIs it is given. Throws
 * `storage_path_invalid` for other schemes and unsafe keys, `storage_not_found` for an unknown
 * memory storage.
 */
export function storageForUri(uri: string, options: StorageForUriOptions = {}): StorageLocation {
  const scheme =
    typeof uri === "string" ? /^([a-z][a-z0-9+.-]*):/i.exec(uri)?.[1]?.toLowerCase() : undefined;
  switch (scheme) {
    case "file":
      return fileLocation(uri, options.fileRoot);
    case "gs":
      return gcsLocation(uri, options);
    case "memory":
      return memoryLocation(uri);
    default:
      throw storageError("storage_path_invalid", "a storage URI is file://, gs:// or memory://", {
        details: { uri: String(uri) },
      });
  }
}

function fileLocation(uri: string, fileRoot: string | undefined): StorageLocation {
  let path: string;
  try {
    path = fileURLToPath(uri);
  } catch (cause) {
    throw storageError("storage_path_invalid", "not a local file:// URI", {
      cause,
      details: { uri },
    });
  }
  if (fileRoot !== undefined) {
    const storage = new FilesystemStorage({ root: fileRoot });
    try {
      return { storage, key: storage.keyFor(uri) };
    } catch {
      // Not under fileRoot: fall back to the file's own folder.
    }
  }
  if (parse(path).base === "") {
    throw storageError("storage_path_invalid", "a file:// URI must name a file", {
      details: { uri },
    });
  }
  const storage = new FilesystemStorage({ root: dirname(path) });
  return { storage, key: storage.keyFor(uri) };
}

function gcsLocation(uri: string, options: StorageForUriOptions): StorageLocation {
  const match = /^gs:\/\/([^/]+)\/(.+)$/.exec(uri);
  if (match === null) {
    throw storageError("storage_path_invalid", "a gs:// URI is gs://bucket/key", {
      details: { uri },
    });
  }
  const storage = new GcsStorage({
    ...options.gcs,
    bucket: match[1] as string,
    ...(options.gcsStorage === undefined ? {} : { storage: options.gcsStorage }),
    ...(options.gcsClientOptions === undefined ? {} : { clientOptions: options.gcsClientOptions }),
  });
  return { storage, key: storage.keyFor(uri) };
}

function memoryLocation(uri: string): StorageLocation {
  const match = /^memory:\/\/([^/]+)\/(.+)$/.exec(uri);
  if (match === null) {
    throw storageError("storage_path_invalid", "a memory:// URI is memory://name/key", {
      details: { uri },
    });
  }
  const storage = findMemoryStorage(match[1] as string);
  if (storage === undefined) {
    throw storageError("storage_not_found", "no MemoryStorage of that name in this process", {
      details: { uri },
    });
  }
  return { storage, key: storage.keyFor(uri) };
}
