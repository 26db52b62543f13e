import { ValidibotError } from "@validibot/contracts";
import type { RequestHeaders } from "./types";

/** The scheme and credentials of an `Authorization` header. */
export interface AuthorizationCredentials {
  /** The scheme as sent, e.g. `Bearer` or `Worker-Key`. */
  scheme: string;
  /** Everything after the scheme, trimmed. */
  credentials: string;
}

/** A Node request as far as its headers go (`IncomingMessage`, Express's `Request`). */
export interface HeadersOfRequest {
  headers: RequestHeaders;
  /** Every header with each of its values (Node 18.3+). */
  headersDistinct?: Record<string, string[] | undefined>;
}

/**
 * The headers of a Node request for `readAuthorization`: `req.headers`, but with every
 * `Authorization` value the request carried. Node keeps only the first of repeated
 * `Authorization` headers in `req.headers`, so without this two headers would pass as one.
 */
export function requestHeaders(req: HeadersOfRequest): RequestHeaders {
  const all = req.headersDistinct?.authorization;
  return all && all.length > 1 ? { ...req.headers, authorization: all } : req.headers;
}

/**
 * Reads the one `Authorization` header of a request (names are matched case-insensitively,
 * for callers that do not lowercase them). Throws `auth_missing` when there is none and
 * `auth_malformed` when it is repeated or has no credentials.
 */
export function readAuthorization(headers: RequestHeaders): AuthorizationCredentials {
  let value = headers.authorization;
  if (value === undefined) {
    for (const [name, candidate] of Object.entries(headers)) {
      if (name.toLowerCase() === "authorization") value = candidate;
    }
  }
  if (Array.isArray(value)) {
    if (value.length > 1) {
      throw new ValidibotError("auth_malformed", "more than one Authorization header");
    }
    value = value[0];
  }
  if (value === undefined || value.trim() === "") {
    throw new ValidibotError("auth_missing", "the request has no Authorization header");
  }
  const match = /^\s*(\S+)(?:\s+(.*?))?\s*$/s.exec(value);
  const scheme = match?.[1] ?? "";
  const credentials = match?.[2] ?? "";
  if (credentials === "") {
    throw new ValidibotError("auth_malformed", `the Authorization header has no credentials`);
  }
  return { scheme, credentials };
}

/**
 * The credentials of an `Authorization: <scheme> <credentials>` header, the scheme matched
 * case-insensitively (RFC 9110). A header with another scheme is `auth_malformed`.
 */
export function credentialsFor(headers: RequestHeaders, scheme: string): string {
  const found = readAuthorization(headers);
  if (found.scheme.toLowerCase() !== scheme.toLowerCase()) {
    throw new ValidibotError(
      "auth_malformed",
      `expected an Authorization header with the ${scheme} scheme`,
    );
  }
  return found.credentials;
}
