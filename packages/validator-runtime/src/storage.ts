import type { StorageLocation } from "@validibot/sdk/storage";

/**
 * Finds the adapter and key of a `file://`, `gs://` or `memory://` URI. Default:
 * `defaultStorageResolver`; tests and embedders may route URIs elsewhere (a shared GCS client,
 * a `fileRoot`).
 */
export type StorageResolver = (uri: string) => StorageLocation | Promise<StorageLocation>;

/**
 * The SDK's `storageForUri`, loaded on first use so a container that never touches storage (the
 * CLI's `--help`) loads none of it; the GCS client itself is loaded only for `gs://` URIs.
 */
export const defaultStorageResolver: StorageResolver = async (uri) => {
  const { storageForUri } = await import("@validibot/sdk/storage");
  return storageForUri(uri);
};

/** `<bundle>/<relative>`: a URI inside an attempt's bundle, whatever the bundle URI's trailing slash. */
export function bundleUri(bundle: string, relative: string): string {
  return `${bundle.endsWith("/") ? bundle : `${bundle}/`}${relative}`;
}
