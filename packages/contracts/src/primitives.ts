import { z } from "zod";

/**
 * Pattern of a safe leaf name (CONTRACT.md rule 1): one file name, not empty, not `.` or
 * `..`, without `/`, `\` or NUL. Exported so hosts and runtimes check names the same way.
 * Written without lookahead and with `\x00` so the generated JSON Schemas carry a pattern that
 * every common regex engine (ECMA-262, Python `re`, Go RE2, Java) reads alike.
 */
export const SAFE_LEAF_NAME_PATTERN =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is exactly what must be refused.
  /^(?:[^./\\\x00][^/\\\x00]*|\.[^./\\\x00][^/\\\x00]*|\.\.[^/\\\x00]+)$/;

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

const UNRESERVED = "A-Za-z0-9._~";
const SUB_DELIMS = "!$&'()*+,;=";
const PCT_ENCODED = "%[0-9A-Fa-f]{2}";
const PCHAR = `(?:[${UNRESERVED}${SUB_DELIMS}:@-]|${PCT_ENCODED})`;
const USERINFO = `(?:[${UNRESERVED}${SUB_DELIMS}:-]|${PCT_ENCODED})*`;
const REG_NAME = `(?:[${UNRESERVED}${SUB_DELIMS}-]|${PCT_ENCODED})+`;
const IP_LITERAL = "\\[[0-9A-Fa-f:.]+\\]";
const FRAGMENT_OR_QUERY = `(?:${PCHAR}|[/?])*`;

/**
 * Pattern of an absolute http(s) URL written as RFC 3986 allows (`scheme://authority` form, no
 * spaces, no characters outside RFC 3986, well-formed percent escapes): the syntax JSON Schema's
 * `format: "uri"` checks, narrowed to http(s) with a host. `HttpUrl` applies it before the
 * WHATWG parser, which would otherwise quietly repair a URL that other parsers reject.
 */
export const HTTP_URL_PATTERN = new RegExp(
  `^[Hh][Tt][Tt][Pp][Ss]?://(?:${USERINFO}@)?(?:${IP_LITERAL}|${REG_NAME})(?::[0-9]*)?` +
    `(?:/${PCHAR}*)*(?:\\?${FRAGMENT_OR_QUERY})?(?:#${FRAGMENT_OR_QUERY})?$`,
);

/**
 * An http(s) URL, accepted and emitted in its WHATWG-normalized form (rule 4): the reference
 * parses it as pydantic's `HttpUrl`, so `http://127.0.0.1:8001` becomes `http://127.0.0.1:8001/`.
 * The raw text must also match `HTTP_URL_PATTERN`, so every URL accepted here is one the reference
 * JSON Schema (`format: "uri"`) accepts too.
 */
export const HttpUrl = z
  .string()
  .min(1)
  .max(2083)
  .regex(HTTP_URL_PATTERN, "must be an absolute http(s) URL in RFC 3986 syntax")
  .superRefine((value, ctx) => {
    const url = URL.canParse(value) ? new URL(value) : null;
    if (!url || (url.protocol !== "http:" && url.protocol !== "https:") || url.hostname === "") {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: "must be an absolute http(s) URL" });
    }
  })
  .transform((value) => new URL(value).href);

const RFC3339_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Whether `value` is an RFC 3339 `date-time` (JSON Schema's `format: "date-time"`): a real
 * calendar date, `T` (or `t`, or a space), a time with seconds, and a zone (`Z` or `+hh:mm`).
 * A leap second (`:60`) is allowed only where it can fall: at 23:59 UTC.
 */
export function isRfc3339DateTime(value: string): boolean {
  const m = RFC3339_DATE_TIME.exec(value);
  if (!m) return false;
  const n = (group: number) => Number(m[group] ?? 0);
  const [year, month, day, hour, minute, second] = [n(1), n(2), n(3), n(4), n(5), n(6)];
  const [offsetHours, offsetMinutes] = [n(8), n(9)];
  const leapYear = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const monthDays = month === 2 && leapYear ? 29 : DAYS_IN_MONTH[month - 1];
  if (monthDays === undefined || day < 1 || day > monthDays) return false;
  if (hour > 23 || minute > 59 || second > 60 || offsetHours > 23 || offsetMinutes > 59) {
    return false;
  }
  if (second < 60) return true;
  const offset = (m[7] === "-" ? -1 : 1) * (offsetHours * 60 + offsetMinutes);
  const utcMinuteOfDay = (((hour * 60 + minute - offset) % 1440) + 1440) % 1440;
  return utcMinuteOfDay === 23 * 60 + 59;
}

/** An RFC 3339 timestamp with a zone, as `isRfc3339DateTime` defines it; kept as written. */
export const Timestamp = z
  .string()
  .refine(
    isRfc3339DateTime,
    "must be an RFC 3339 date-time with a zone, e.g. 2024-01-01T00:00:00Z",
  );

/**
 * A free-form JSON object (`inputs`, `outputs`, FMU values), passed through exactly as given.
 * Not `z.record`: that rebuilds the object and silently drops a key named `__proto__`, which
 * would lose data and change the canonical hash against the reference.
 */
export const FreeJsonObject = z.custom<Record<string, unknown>>(
  (value) => value !== null && typeof value === "object" && !Array.isArray(value),
  { message: "must be a JSON object" },
);
