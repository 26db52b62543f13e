import { type KeyObject, verify } from "node:crypto";
import { ValidibotError } from "@validibot/contracts";
import { credentialsFor } from "./authorization-header";
import { createGoogleVerifier, type IdTokenVerifier } from "./google-auth-library";
import { GOOGLE_CERTS_URL, GoogleCerts } from "./google-certs";
import { decodeJwt } from "./jwt";
import type { CallbackAuthenticator, CallbackPrincipal, RequestHeaders } from "./types";

/** The issuers Google writes into ID tokens. */
export const GOOGLE_ISSUERS: readonly string[] = [
  "https://accounts.google.com",
  "accounts.google.com",
];

/** The most clock skew `GoogleIdTokenAuthenticator` allows: google-auth-library's own bound. */
export const MAX_CLOCK_SKEW_SECONDS = 300;

/** Options of `GoogleIdTokenAuthenticator`. */
export interface GoogleIdTokenAuthenticatorOptions {
  /**
   * The audience(s) the token must be minted for: the callback URL's origin (see
   * `callbackAudienceFor`), or the runtime's `TASK_OIDC_AUDIENCE` override. Required.
   */
  audience: string | readonly string[];
  /** Service account emails allowed to call back, compared case-insensitively. Required, not empty. */
  allowedServiceAccounts: readonly string[];
  /** Where Google's PEM certificates are fetched. Default `https://www.googleapis.com/oauth2/v1/certs`. */
  certsUrl?: string;
  /** Accepted `iss` values. Default `https://accounts.google.com` and `accounts.google.com`. */
  issuers?: readonly string[];
  /** Tolerated clock difference for `exp` and `iat`, seconds. Default 60, at most 300. */
  clockSkewSeconds?: number;
  /**
   * Minimum seconds between two certificate fetches caused by tokens naming an unknown key id,
   * so forged key ids cannot turn callbacks into a flood of requests to Google. Default 5.
   */
  unknownKeyRefetchCooldownSeconds?: number;
  /** Timeout of one certificate fetch, ms. Default 10000. */
  certsTimeoutMs?: number;
  /**
   * The signature verifier: google-auth-library's `OAuth2Client` or compatible. Default a
   * new `OAuth2Client`, loaded on first use from the optional peer google-auth-library.
   */
  oauthClient?: IdTokenVerifier;
}

/**
 * Authenticates callbacks from Google Cloud by `Authorization: Bearer <Google ID token>`:
 * signature against Google's published keys (cached per their max-age), issuer, expiry,
 * audience, `email_verified`, and the email in the allow-list. Each failure has its own
 * `auth_*` code; messages never contain the token.
 */
export class GoogleIdTokenAuthenticator implements CallbackAuthenticator {
  readonly #audiences: string[];
  readonly #allowed: Set<string>;
  readonly #issuers: string[];
  readonly #skewSeconds: number;
  readonly #certs: GoogleCerts;
  #verifier: Promise<IdTokenVerifier> | undefined;

  /** Throws when the audience or the allow-list is empty, or an option is out of range. */
  constructor(options: GoogleIdTokenAuthenticatorOptions) {
    this.#audiences = nonEmptyList(options?.audience, "audience");
    this.#allowed = new Set(
      nonEmptyList(options.allowedServiceAccounts, "allowedServiceAccounts").map((email) =>
        email.trim().toLowerCase(),
      ),
    );
    this.#issuers = nonEmptyList(options.issuers ?? GOOGLE_ISSUERS, "issuers");
    this.#skewSeconds = options.clockSkewSeconds ?? 60;
    if (
      !Number.isFinite(this.#skewSeconds) ||
      this.#skewSeconds < 0 ||
      this.#skewSeconds > MAX_CLOCK_SKEW_SECONDS
    ) {
      throw new Error(
        `GoogleIdTokenAuthenticator clockSkewSeconds must be between 0 and ${MAX_CLOCK_SKEW_SECONDS}`,
      );
    }
    const certsUrl = options.certsUrl ?? GOOGLE_CERTS_URL;
    if (!URL.canParse(certsUrl)) {
      throw new Error("GoogleIdTokenAuthenticator certsUrl is not an absolute URL");
    }
    this.#certs = new GoogleCerts({
      url: certsUrl,
      unknownKidCooldownMs: (options.unknownKeyRefetchCooldownSeconds ?? 5) * 1000,
      defaultMaxAgeMs: 300_000,
      timeoutMs: options.certsTimeoutMs ?? 10_000,
    });
    if (options.oauthClient) this.#verifier = Promise.resolve(options.oauthClient);
  }

  /** Verifies the request's ID token; resolves to its service account. */
  async authenticate(headers: RequestHeaders): Promise<CallbackPrincipal> {
    const token = credentialsFor(headers, "Bearer");
    const jwt = decodeJwt(token);
    if (!isTime(jwt.payload.iat) || !isTime(jwt.payload.exp)) {
      throw new ValidibotError("auth_malformed", "the ID token lacks a numeric iat or exp");
    }
    const key = await this.#certs.keyFor(jwt.header.kid);
    if (!key) {
      throw new ValidibotError(
        "auth_invalid_signature",
        "the ID token is signed with a key Google does not publish",
      );
    }
    const verifier = await this.#loadVerifier();
    let payload: Record<string, unknown>;
    try {
      const ticket = await verifier.verifySignedJwtWithCertsAsync(
        token,
        { [jwt.header.kid]: key.pem },
        [...this.#audiences],
        [...this.#issuers],
      );
      payload = (ticket.getPayload() ?? {}) as Record<string, unknown>;
    } catch {
      // The verifier's messages quote the token, so they are dropped. To say why it failed,
      // the signature is checked again here: only a token signed by Google gets a claim-specific code.
      if (!signatureHolds(jwt.signingInput, key.publicKey, jwt.signature)) {
        throw new ValidibotError("auth_invalid_signature", "the ID token's signature is not valid");
      }
      this.#checkClaims(jwt.payload);
      throw new ValidibotError("auth_malformed", "the ID token's lifetime is not acceptable");
    }
    return { kind: "google-id-token", subject: this.#checkClaims(payload) };
  }

  /** Checks the claims of a token whose signature is verified; returns its email, lowercased. */
  #checkClaims(payload: Record<string, unknown>): string {
    const now = Date.now() / 1000;
    const { exp, iat, iss, aud, email } = payload;
    if (!isTime(exp) || now > exp + this.#skewSeconds) {
      throw new ValidibotError("auth_token_expired", "the ID token has expired");
    }
    if (!isTime(iat) || iat > now + this.#skewSeconds) {
      throw new ValidibotError("auth_token_expired", "the ID token is not valid yet");
    }
    if (typeof iss !== "string" || !this.#issuers.includes(iss)) {
      throw new ValidibotError("auth_wrong_issuer", "the ID token is not issued by Google", {
        details: { issuer: iss },
      });
    }
    if (typeof aud !== "string" || !this.#audiences.includes(aud)) {
      throw new ValidibotError(
        "auth_wrong_audience",
        "the ID token is minted for another audience",
        {
          details: { audience: aud },
        },
      );
    }
    if (payload.email_verified !== true) {
      throw new ValidibotError("auth_email_unverified", "the ID token's email is not verified");
    }
    const subject = typeof email === "string" ? email.toLowerCase() : "";
    if (!this.#allowed.has(subject)) {
      throw new ValidibotError(
        "auth_service_account_not_allowed",
        `the service account ${subject || "(none)"} is not allowed to call back`,
      );
    }
    return subject;
  }

  #loadVerifier(): Promise<IdTokenVerifier> {
    this.#verifier ??= createGoogleVerifier().catch((error: unknown) => {
      this.#verifier = undefined;
      throw error;
    });
    return this.#verifier;
  }
}

function signatureHolds(signingInput: string, publicKey: KeyObject, signature: Buffer): boolean {
  try {
    return verify("sha256", Buffer.from(signingInput), publicKey, signature);
  } catch {
    return false;
  }
}

function isTime(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value);
}

function nonEmptyList(value: string | readonly string[] | undefined, name: string): string[] {
  const list = typeof value === "string" ? [value] : [...(value ?? [])];
  if (list.length === 0 || list.some((item) => typeof item !== "string" || item.trim() === "")) {
    throw new Error(`GoogleIdTokenAuthenticator needs a non-empty ${name}`);
  }
  return list;
}
