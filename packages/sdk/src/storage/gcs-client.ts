import type { Storage, StorageOptions } from "@google-cloud/storage";
import { storageError } from "./storage-error";

/** The `@google-cloud/storage` module. */
export type GcsModule = typeof import("@google-cloud/storage");

let loading: Promise<GcsModule> | undefined;
let defaultClient: Promise<Storage> | undefined;
const clients = new WeakMap<StorageOptions, Promise<Storage>>();

/**
 * Loads `@google-cloud/storage`, an optional peer dependency, the first time a `GcsStorage`
 * needs it, so hosts that never touch Google Cloud need not install it. A missing package is a
 * `storage_unavailable` error that says how to install it.
 */
export function loadGcsModule(): Promise<GcsModule> {
  loading ??= import("@google-cloud/storage").catch((cause: unknown) => {
    loading = undefined;
    throw storageError(
      "storage_unavailable",
      "GcsStorage needs the optional peer dependency @google-cloud/storage (npm install @google-cloud/storage)",
      { cause },
    );
  });
  return loading;
}

/**
 * A client for `options`, made once per options object (and once for no options), so adapters
 * made for many URIs share one client and its cached credentials.
 */
export function gcsClientFor(options: StorageOptions | undefined): Promise<Storage> {
  const cached = options === undefined ? defaultClient : clients.get(options);
  if (cached !== undefined) return cached;
  const made = loadGcsModule().then((module) => {
    try {
      return new module.Storage(options);
    } catch (cause) {
      throw storageError("storage_unavailable", "could not make a Google Cloud Storage client", {
        cause,
      });
    }
  });
  if (options === undefined) defaultClient = made;
  else clients.set(options, made);
  made.catch(() => {
    if (options === undefined) defaultClient = undefined;
    else clients.delete(options);
  });
  return made;
}
