import { type ErrorCode, ValidibotError } from "@validibot/contracts";

/** The storage error codes adapters throw. */
export type StorageErrorCode = Extract<ErrorCode, `storage_${string}`>;

/**
 * A `ValidibotError` with a `storage_*` code; the key (never file contents or secrets) goes in
 * `details` so callers can log which object failed.
 */
export function storageError(
  code: StorageErrorCode,
  message: string,
  options?: { key?: string; cause?: unknown; details?: Record<string, unknown> },
): ValidibotError {
  const details = {
    ...options?.details,
    ...(options?.key === undefined ? {} : { key: options.key }),
  };
  return new ValidibotError(code, message, {
    cause: options?.cause,
    details: Object.keys(details).length > 0 ? details : undefined,
  });
}

/** The error of a body or object that passed a byte ceiling. */
export function sizeExceeded(maxBytes: number, key?: string): ValidibotError {
  return storageError("storage_size_exceeded", `more than ${maxBytes} bytes`, {
    key,
    details: { max_bytes: maxBytes },
  });
}
