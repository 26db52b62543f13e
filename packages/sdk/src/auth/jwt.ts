import { ValidibotError } from "@validibot/contracts";

/** The longest token accepted; Google ID tokens are about 1 KiB. */
export const MAX_JWT_LENGTH = 8192;

/** A compact JWS split and decoded, NOT verified: its claims are not to be trusted. */
export interface UnverifiedJwt {
  header: { alg: string; kid: string } & Record<string, unknown>;
  payload: Record<string, unknown>;
  /** `<header>.<payload>`, the bytes the signature covers. */
  signingInput: string;
  signature: Buffer;
}

const SEGMENT = /^[A-Za-z0-9_-]+$/;

/**
 * Splits and decodes a compact RS256 JWS with a `kid`, checking only its shape. Throws
 * `auth_malformed` for anything else; the message never contains the token.
 */
export function decodeJwt(token: string): UnverifiedJwt {
  if (token.length > MAX_JWT_LENGTH) {
    throw new ValidibotError("auth_malformed", "the bearer token is too long");
  }
  const segments = token.split(".");
  if (segments.length !== 3 || !segments.every((segment) => SEGMENT.test(segment))) {
    throw new ValidibotError("auth_malformed", "the bearer token is not a signed JWT");
  }
  const [headerPart = "", payloadPart = "", signaturePart = ""] = segments;
  const header = decodeJsonObject(headerPart, "header");
  const payload = decodeJsonObject(payloadPart, "payload");
  if (header.alg !== "RS256") {
    throw new ValidibotError("auth_malformed", "the bearer token is not signed with RS256");
  }
  if (typeof header.kid !== "string" || header.kid === "") {
    throw new ValidibotError("auth_malformed", "the bearer token names no signing key");
  }
  return {
    header: header as UnverifiedJwt["header"],
    payload,
    signingInput: `${headerPart}.${payloadPart}`,
    signature: Buffer.from(signaturePart, "base64url"),
  };
}

function decodeJsonObject(segment: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(segment, "base64url").toString("utf8"));
  } catch {
    throw new ValidibotError("auth_malformed", `the bearer token's ${what} is not JSON`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ValidibotError("auth_malformed", `the bearer token's ${what} is not a JSON object`);
  }
  return value as Record<string, unknown>;
}
