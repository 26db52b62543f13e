import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/** The prefix of generated API tokens, so a leaked one is easy to recognise (and to scan for). */
export const API_TOKEN_PREFIX = "vbt_";

/** The shortest token accepted from outside (`VALIDIBOT_API_TOKEN`, `ensureToken`): 32 characters. */
export const MIN_API_TOKEN_LENGTH = 32;

function sha256Hex(domain: string, token: string): string {
  return createHash("sha256").update(`${domain}\0${token}`).digest("hex");
}

/** A new API token: `vbt_` and 32 random bytes (256 bits) in base64url. Shown once, never stored. */
export function generateApiToken(): string {
  return `${API_TOKEN_PREFIX}${randomBytes(32).toString("base64url")}`;
}

/**
 * The public id of a token, derived from it: `tok_` and 20 hex digits of a SHA-256 (domain
 * separated from the stored hash). The store finds a token's record by this id; the id says
 * nothing usable about the token.
 */
export function apiTokenId(token: string): string {
  return `tok_${sha256Hex("validibot-api-token-id", token).slice(0, 20)}`;
}

/** The hash a store keeps instead of the token: SHA-256 of a 256-bit random secret needs no slow KDF. */
export function apiTokenHash(token: string): string {
  return sha256Hex("validibot-api-token", token);
}

/** Whether `token` is the one `storedHash` was made from, compared in constant time. */
export function apiTokenMatches(token: string, storedHash: string): boolean {
  const actual = Buffer.from(apiTokenHash(token), "hex");
  const expected = Buffer.from(storedHash, "hex");
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
