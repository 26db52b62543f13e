import { storageError } from "./storage-error";

/** The longest key accepted, in UTF-8 bytes: the Google Cloud Storage object name limit. */
export const MAX_KEY_BYTES = 1024;

/** C0 controls (NUL included) and DEL: never part of a key. */
function hasControlCharacter(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/**
 * Checks a key and returns it: a `/`-separated relative path of non-empty segments, none `.` or
 * `..`, without backslashes or control characters (NUL included), well-formed Unicode, at most
 * `MAX_KEY_BYTES`. Throws `storage_path_invalid` otherwise, so no key can name anything outside
 * an adapter's root, whatever the backend.
 */
export function assertSafeKey(key: unknown): string {
  if (typeof key !== "string" || key.length === 0) {
    throw storageError("storage_path_invalid", "a key must be a non-empty string");
  }
  checkCharacters(key, "key");
  if (key.startsWith("/")) {
    throw storageError("storage_path_invalid", "a key must be relative, not absolute", { key });
  }
  for (const segment of key.split("/")) {
    checkSegment(segment, key, "key");
  }
  return key;
}

/** Whether `key` passes `assertSafeKey`. */
export function isSafeKey(key: string): boolean {
  try {
    assertSafeKey(key);
    return true;
  } catch {
    return false;
  }
}

/**
 * Checks a listing prefix and returns it: like a key, but it may be empty and may end with `/` or
 * with part of a segment (`runs/org-1/ru` lists `runs/org-1/run-1/...`).
 */
export function assertSafePrefix(prefix: unknown): string {
  if (typeof prefix !== "string") {
    throw storageError("storage_path_invalid", "a prefix must be a string");
  }
  if (prefix === "") return prefix;
  checkCharacters(prefix, "prefix");
  if (prefix.startsWith("/")) {
    throw storageError("storage_path_invalid", "a prefix must be relative, not absolute", {
      key: prefix,
    });
  }
  const segments = prefix.split("/");
  const last = segments.pop() ?? "";
  for (const segment of segments) checkSegment(segment, prefix, "prefix");
  // The last, partial segment may be empty (trailing "/") but never "." or "..".
  if (last === "." || last === "..") {
    throw storageError("storage_path_invalid", 'a prefix may not end with "." or ".."', {
      key: prefix,
    });
  }
  return prefix;
}

/** Orders keys as Google Cloud Storage lists them: by Unicode code point (UTF-8 byte order). */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

function checkCharacters(value: string, what: string): void {
  if (hasControlCharacter(value)) {
    throw storageError("storage_path_invalid", `a ${what} may not hold NUL or control characters`, {
      key: value,
    });
  }
  if (value.includes("\\")) {
    throw storageError("storage_path_invalid", `a ${what} may not hold backslashes`, {
      key: value,
    });
  }
  // A lone surrogate would be written as U+FFFD, so two keys could name one object.
  if (Buffer.from(value, "utf8").toString("utf8") !== value) {
    throw storageError("storage_path_invalid", `a ${what} must be well-formed Unicode`, {
      key: value,
    });
  }
  if (Buffer.byteLength(value, "utf8") > MAX_KEY_BYTES) {
    throw storageError("storage_path_invalid", `a ${what} may be at most ${MAX_KEY_BYTES} bytes`, {
      key: value.slice(0, 64),
    });
  }
}

function checkSegment(segment: string, value: string, what: string): void {
  if (segment === "") {
    throw storageError("storage_path_invalid", `a ${what} may not hold empty segments`, {
      key: value,
    });
  }
  if (segment === "." || segment === "..") {
    throw storageError("storage_path_invalid", `a ${what} may not hold "." or ".." segments`, {
      key: value,
    });
  }
}
