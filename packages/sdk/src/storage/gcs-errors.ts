import { isValidibotError, type ValidibotError } from "@validibot/contracts";
import { storageError } from "./storage-error";

/** Failures of the client's own checksum checks on uploads and downloads. */
const CHECKSUM_CODES = new Set([
  "CONTENT_DOWNLOAD_MISMATCH",
  "FILE_NO_UPLOAD",
  "FILE_NO_UPLOAD_DELETE",
  "MD5_NOT_AVAILABLE",
]);

/** The HTTP status carried by a `@google-cloud/storage`, gaxios or JSON API error, if any. */
export function gcsStatusOf(error: unknown): number | undefined {
  if (error === null || typeof error !== "object") return undefined;
  const candidate = error as {
    code?: unknown;
    status?: unknown;
    response?: { status?: unknown; statusCode?: unknown };
  };
  for (const value of [
    candidate.code,
    candidate.status,
    candidate.response?.status,
    candidate.response?.statusCode,
  ]) {
    const status = typeof value === "string" && /^\d{3}$/.test(value) ? Number(value) : value;
    if (typeof status === "number" && status >= 100 && status <= 599) return status;
  }
  return undefined;
}

/**
 * Turns a Google Cloud Storage failure into a `ValidibotError`: 404 is `storage_not_found`, 412
 * (the create-only precondition) `storage_already_exists`, and everything else (5xx, 429,
 * permissions, network failures, checksum mismatches) `storage_unavailable`, with the status or
 * reason in `details`. Errors that already carry a code are returned unchanged.
 */
export function fromGcsError(error: unknown, key?: string): ValidibotError {
  if (isValidibotError(error)) return error;
  const status = gcsStatusOf(error);
  const code = (error as { code?: unknown } | null)?.code;
  if (status === 404) {
    return storageError("storage_not_found", "no object with this key", { key, cause: error });
  }
  if (status === 412) {
    return storageError("storage_already_exists", "an object with this key already exists", {
      key,
      cause: error,
    });
  }
  if (typeof code === "string" && CHECKSUM_CODES.has(code)) {
    return storageError("storage_unavailable", "the transfer failed its checksum check", {
      key,
      cause: error,
      details: { reason: code },
    });
  }
  const reason = status ?? (typeof code === "string" ? code : undefined);
  const message = error instanceof Error ? error.message : String(error);
  return storageError(
    "storage_unavailable",
    `Google Cloud Storage failed${reason === undefined ? "" : ` (${reason})`}: ${message}`.slice(
      0,
      500,
    ),
    { key, cause: error, details: reason === undefined ? undefined : { reason } },
  );
}
