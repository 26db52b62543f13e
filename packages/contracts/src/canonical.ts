import { createHash, timingSafeEqual } from "node:crypto";
import canonicalize from "canonicalize";

/** Domain-separation prefix of the nonce commitment (rule 3). */
const NONCE_COMMITMENT_PREFIX = "validibot-callback-nonce\u0000";

/**
 * The commitment to a callback nonce: `sha256("validibot-callback-nonce" + "\0" + nonce)` in
 * lowercase hex. The host stores only this, so a leaked database cannot forge callbacks.
 */
export function callbackNonceCommitment(nonce: string): string {
  return createHash("sha256")
    .update(NONCE_COMMITMENT_PREFIX + nonce, "utf8")
    .digest("hex");
}

/**
 * Whether `nonce` matches `commitment`, compared in constant time so the comparison leaks
 * nothing about how much of a guess was right.
 */
export function nonceMatchesCommitment(nonce: string, commitment: string): boolean {
  const actual = Buffer.from(callbackNonceCommitment(nonce), "utf8");
  const expected = Buffer.from(commitment, "utf8");
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/**
 * A deep copy of `value` in which every `callback_nonce` key, at any depth, is removed and
 * replaced by its `callback_nonce_commitment` (rule 4). A non-string nonce (null) is only
 * removed, so the full and the redacted form of an envelope stay alike.
 */
export function redactCallbackNonces(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactCallbackNonces);
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  const record = value as Record<string, unknown>;
  for (const [key, child] of Object.entries(record)) {
    if (key === "callback_nonce") continue;
    setOwn(out, key, redactCallbackNonces(child));
  }
  const nonce = record.callback_nonce;
  if (typeof nonce === "string") out.callback_nonce_commitment = callbackNonceCommitment(nonce);
  return out;
}

/** Sets an own property, even one named `__proto__` (plain assignment would set the prototype). */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

/**
 * RFC 8785 (JCS) canonical JSON of `value`, exactly as given (no redaction). Throws when the
 * value has no JSON form at all (`undefined`, a function) or holds a non-finite number.
 */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(assertFiniteNumbers(value));
  if (text === undefined) throw new TypeError("value has no JSON representation");
  return text;
}

/**
 * SHA-256 (lowercase hex) of the canonical JSON of `value` after nonce redaction (rule 4).
 * Give it the envelope as parsed by its typed variant (see `inputEnvelopeSha256`), not raw bytes.
 */
export function envelopeSha256(value: unknown): string {
  return createHash("sha256")
    .update(canonicalJson(redactCallbackNonces(value)), "utf8")
    .digest("hex");
}

function assertFiniteNumbers(value: unknown): unknown {
  if (typeof value === "number" && !Number.isFinite(value)) {
    throw new TypeError(`JSON has no form for the number ${value}`);
  }
  if (value !== null && typeof value === "object") {
    for (const child of Object.values(value)) assertFiniteNumbers(child);
  }
  return value;
}
