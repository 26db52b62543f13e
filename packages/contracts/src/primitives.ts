import { z } from "zod";

/**
 * Pattern of a safe leaf name (CONTRACT.md rule 1): one file name, not empty, not `.` or
 * `..`, without `/`, `\` or NUL. Exported so hosts and runtimes check names the same way.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is exactly what must be refused.
export const SAFE_LEAF_NAME_PATTERN = /^(?!\.\.?$)[^/\\\u0000]+$/;

/** Whether `name` is a safe leaf name (rule 1). */
export function isSafeLeafName(name: string): boolean {
  return SAFE_LEAF_NAME_PATTERN.test(name);
}

/** A file name that cannot leave its folder (rule 1). */
export const SafeLeafName = z
  .string()
  .regex(
    SAFE_LEAF_NAME_PATTERN,
    "must be a single file name: not empty, '.', '..', no '/', '\\' or NUL",
  );

/** Lowercase hex SHA-256 of exact bytes. */
export const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, "must be 64 lowercase hex digits");

/** The storage generation (GCS) or `sha256:<digest>` (local files) a file was written as. */
export const StorageVersion = z.string().min(1).max(512);

/** Exact size of a file in bytes, also the ceiling a reader streams to. */
export const SizeBytes = z.number().int().min(0);

/** The pattern every callback nonce must match (rule 3). */
export const CALLBACK_NONCE_PATTERN = /^[A-Za-z0-9_-]+$/;

/** A callback nonce: 43 to 512 characters of `[A-Za-z0-9_-]` (32 random bytes in base64url at least). */
export const CallbackNonce = z.string().min(43).max(512).regex(CALLBACK_NONCE_PATTERN);

/** Which declared port of the validator a file feeds, e.g. `primary_model` or `fmu`. */
export const PortKey = z.string().min(1).max(255);

/**
 * An http(s) URL, accepted and emitted in its WHATWG-normalized form (rule 4): the reference
 * parses it as pydantic's `HttpUrl`, so `http://127.0.0.1:8001` becomes `http://127.0.0.1:8001/`.
 */
export const HttpUrl = z
  .string()
  .min(1)
  .max(2083)
  .superRefine((value, ctx) => {
    const url = URL.canParse(value) ? new URL(value) : null;
    if (!url || (url.protocol !== "http:" && url.protocol !== "https:") || url.hostname === "") {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: "must be an absolute http(s) URL" });
    }
  })
  .transform((value) => new URL(value).href);
