import { type ErrorCode, isValidibotError } from "@validibot/contracts";

/**
 * The error codes that blame the submission's files rather than the infrastructure: an attempt
 * that meets one ends `failed_runtime` with a finding of that code, and its callback still goes
 * out (a retry would meet the same files).
 */
export const FILE_INTEGRITY_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  "file_unsafe_name",
  "file_missing",
  "file_size_mismatch",
  "file_digest_mismatch",
  "file_version_mismatch",
  "storage_path_invalid",
]);

/** Whether `error` is a file-integrity failure (see `FILE_INTEGRITY_CODES`). */
export function isFileIntegrityError(error: unknown): boolean {
  return isValidibotError(error) && FILE_INTEGRITY_CODES.has(error.code);
}
