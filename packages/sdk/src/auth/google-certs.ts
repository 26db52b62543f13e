import { createPublicKey, type KeyObject } from "node:crypto";
import { ValidibotError } from "@validibot/contracts";

/** Google's public signing certificates for ID tokens, in the v1 PEM-map format. */
export const GOOGLE_CERTS_URL = "https://www.googleapis.com/oauth2/v1/certs";

/** A published signing key: the PEM as served and its parsed public key. */
export interface PublishedKey {
  pem: string;
  publicKey: KeyObject;
}

/** Options of `GoogleCerts`. */
export interface GoogleCertsOptions {
  /** Where the PEM map is served. */
  url: string;
  /** Minimum time between two fetches caused by an unknown key id, ms. */
  unknownKidCooldownMs: number;
  /** How long certs are kept when the response carries no max-age, ms. */
  defaultMaxAgeMs: number;
  /** Timeout of one fetch, ms. */
  timeoutMs: number;
}

const MAX_CERTS_BYTES = 1024 * 1024;

/**
 * A cache of Google's signing keys: fetched on first use, kept for the response's
 * `Cache-Control: max-age`, fetched again early when a token names an unknown key id
 * (at most once per cooldown, so forged key ids cannot make us hammer the endpoint), and
 * never more than one fetch in flight. When a refresh fails, the stale keys keep serving.
 */
export class GoogleCerts {
  readonly #options: GoogleCertsOptions;
  #keys = new Map<string, PublishedKey>();
  #expiresAt = 0;
  #lastUnknownKidFetch = Number.NEGATIVE_INFINITY;
  #inflight: Promise<void> | undefined;

  constructor(options: GoogleCertsOptions) {
    this.#options = options;
  }

  /**
   * The key published under `kid`, or undefined if Google does not publish it. Throws
   * `auth_keys_unavailable` when the keys cannot be fetched and none are cached.
   */
  async keyFor(kid: string): Promise<PublishedKey | undefined> {
    let refreshed = false;
    if (Date.now() >= this.#expiresAt) {
      await this.#refresh().then(
        () => {
          refreshed = true;
        },
        (error: unknown) => {
          if (this.#keys.size === 0) throw error;
          this.#expiresAt = Date.now() + this.#options.unknownKidCooldownMs;
        },
      );
    }
    const known = this.#keys.get(kid);
    if (known || refreshed) return known;
    if (Date.now() - this.#lastUnknownKidFetch < this.#options.unknownKidCooldownMs) {
      return undefined;
    }
    this.#lastUnknownKidFetch = Date.now();
    await this.#refresh();
    return this.#keys.get(kid);
  }

  #refresh(): Promise<void> {
    this.#inflight ??= this.#fetch().finally(() => {
      this.#inflight = undefined;
    });
    return this.#inflight;
  }

  async #fetch(): Promise<void> {
    let text: string;
    let cacheControl: string | null;
    try {
      const response = await fetch(this.#options.url, {
        headers: { accept: "application/json" },
        signal: AbortSignal.timeout(this.#options.timeoutMs),
      });
      if (!response.ok) {
        await response.body?.cancel();
        throw new Error(`HTTP ${response.status}`);
      }
      cacheControl = response.headers.get("cache-control");
      text = await response.text();
    } catch (error) {
      throw unavailable(`fetching them failed (${(error as Error).message})`, error);
    }
    if (text.length > MAX_CERTS_BYTES) throw unavailable("the response is too large");
    this.#keys = parseCerts(text);
    this.#expiresAt = Date.now() + maxAgeMs(cacheControl, this.#options.defaultMaxAgeMs);
  }
}

function parseCerts(text: string): Map<string, PublishedKey> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw unavailable("the response is not JSON", error);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw unavailable("the response is not a map of key ids to certificates");
  }
  const keys = new Map<string, PublishedKey>();
  for (const [kid, pem] of Object.entries(parsed)) {
    if (typeof pem !== "string") continue;
    try {
      keys.set(kid, { pem, publicKey: createPublicKey(pem) });
    } catch {
      // One unreadable certificate must not take the others down.
    }
  }
  if (keys.size === 0) throw unavailable("the response holds no usable certificate");
  return keys;
}

function maxAgeMs(cacheControl: string | null, fallbackMs: number): number {
  const match = /(?:^|,)\s*max-age\s*=\s*"?(\d+)"?\s*(?:,|$)/i.exec(cacheControl ?? "");
  return match?.[1] === undefined ? fallbackMs : Number(match[1]) * 1000;
}

function unavailable(why: string, cause?: unknown): ValidibotError {
  return new ValidibotError(
    "auth_keys_unavailable",
    `Google's ID token signing keys are unavailable: ${why}`,
    cause === undefined ? undefined : { cause },
  );
}
