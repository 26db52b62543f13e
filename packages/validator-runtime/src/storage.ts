import type { Storage } from "@google-cloud/storage";
import type { StorageLocation } from "@validibot/sdk/storage";

/**
 * Finds the adapter and key of a `file://`, `gs://` or `memory://` URI. Default:
 * `storageResolverFor(...)` with the container's environment; tests and embedders may route URIs
 * elsewhere.
 */
export type StorageResolver = (uri: string) => StorageLocation | Promise<StorageLocation>;

/** Options of `storageResolverFor`. */
export interface StorageResolverOptions {
  /**
   * The GCS JSON API endpoint (`VALIDIBOT_GCS_API_ENDPOINT`), for an emulator or a private
   * endpoint. Default: Google's, with Application Default Credentials.
   */
  gcsApiEndpoint?: string | null;
}

/**
 * The SDK's `storageForUri`, loaded on first use so a container that never touches storage loads
 * none of it. All `gs://` URIs of an attempt share one `@google-cloud/storage` client, which is
 * loaded only when the first `gs://` URI comes.
 */
export function storageResolverFor(options: StorageResolverOptions = {}): StorageResolver {
  let client: Promise<Storage> | undefined;
  return async (uri) => {
    const { storageForUri } = await import("@validibot/sdk/storage");
    if (!uri.startsWith("gs://")) return storageForUri(uri);
    client ??= import("@google-cloud/storage").then(
      ({ Storage }) =>
        new Storage(options.gcsApiEndpoint ? { apiEndpoint: options.gcsApiEndpoint } : {}),
    );
    return storageForUri(uri, { gcsStorage: await client });
  };
}

/** `<bundle>/<relative>`: a URI inside an attempt's bundle, whatever the bundle URI's trailing slash. */
export function bundleUri(bundle: string, relative: string): string {
  return `${bundle.endsWith("/") ? bundle : `${bundle}/`}${relative}`;
}
