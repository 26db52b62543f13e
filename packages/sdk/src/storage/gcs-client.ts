import { storageError } from "./storage-error";

/** The `@google-cloud/storage` module. */
export type GcsModule = typeof import("@google-cloud/storage");

let loading: Promise<GcsModule> | undefined;

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
