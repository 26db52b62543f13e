import { isValidibotError } from "@validibot/contracts";
import { storageError } from "./storage-error";

/**
 * Turns a system error of a file operation into a `ValidibotError` with a `storage_*` code:
 * missing paths are `storage_not_found`, names the filesystem refuses are `storage_path_invalid`,
 * anything else (permissions, a full disk, I/O) `storage_unavailable`. Other errors (already
 * coded ones, an abort's reason) are returned unchanged.
 */
export function fromFsError(error: unknown, key: string): unknown {
  if (isValidibotError(error)) return error;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== "string" || (error as { syscall?: unknown }).syscall === undefined) {
    return error;
  }
  switch (code) {
    case "ENOENT":
    case "ENOTDIR":
      return storageError("storage_not_found", "no object with this key", { key, cause: error });
    case "EEXIST":
      return storageError("storage_already_exists", "an object with this key already exists", {
        key,
        cause: error,
      });
    case "ENAMETOOLONG":
    case "ELOOP":
    case "EISDIR":
      return storageError("storage_path_invalid", `the filesystem refuses this key (${code})`, {
        key,
        cause: error,
      });
    case "ENOSPC":
    case "EDQUOT":
      // Out of space is unavailability (503, retry later), never the client's fault.
      return storageError("storage_unavailable", `the disk is full (${code})`, {
        key,
        cause: error,
      });
    default:
      return storageError("storage_unavailable", `the filesystem failed (${code})`, {
        key,
        cause: error,
      });
  }
}

/** The `code` of a system error, or undefined. */
export function errnoCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}
