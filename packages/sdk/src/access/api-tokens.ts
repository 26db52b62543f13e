import { isValidibotError, ValidibotError } from "@validibot/contracts";
import { readAuthorization } from "../auth/authorization-header";
import type { RequestHeaders } from "../auth/types";
import { type ApiScope, parseScopes, scopeAllows } from "./scopes";
import {
  apiTokenHash,
  apiTokenId,
  apiTokenMatches,
  generateApiToken,
  MIN_API_TOKEN_LENGTH,
} from "./token-secret";
import type {
  ApiTokenRecord,
  ListTokensOptions,
  Organization,
  Principal,
  TokenStore,
} from "./types";

/** Options of `ApiTokens`. */
export interface ApiTokensOptions {
  /** Where the token records live (hashes only). */
  store: TokenStore;
  /** The clock expiry is judged by. Default: `new Date()`. */
  now?: () => Date;
}

/** What a new token is for. */
export interface CreateTokenRequest {
  /** Its organization: every run it submits belongs there, and it sees no other organization's. */
  org: Organization;
  scopes: readonly ApiScope[] | string;
  /** A label for people. Default: `"API token"`. */
  name?: string;
  /** When it stops working. Default: never (null). */
  expiresAt?: Date | string | null;
}

/** A token just made: `token` is shown this once and kept nowhere (the store has its hash). */
export interface CreatedToken {
  token: string;
  record: ApiTokenRecord;
}

function expiryOf(value: CreateTokenRequest["expiresAt"]): string | null {
  if (value === undefined || value === null) return null;
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) {
    throw new ValidibotError("invalid_request", "expiresAt is not a valid instant");
  }
  return date.toISOString();
}

/**
 * API tokens of the runs API: makes them (shown once, stored as a SHA-256 hash), registers a
 * token chosen elsewhere (`VALIDIBOT_API_TOKEN`), lists and revokes them, and turns the
 * `Authorization: Bearer <token>` of a request into the `Principal` it stands for. Tokens are
 * checked against the store on every request, so a revocation takes effect at once.
 */
export class ApiTokens {
  readonly #store: TokenStore;
  readonly #now: () => Date;

  constructor(options: ApiTokensOptions) {
    this.#store = options.store;
    this.#now = options.now ?? (() => new Date());
  }

  /** The store behind these tokens. */
  get store(): TokenStore {
    return this.#store;
  }

  /** Makes a new random token (`vbt_...`, 256 bits) and stores its record. */
  async create(request: CreateTokenRequest): Promise<CreatedToken> {
    const token = generateApiToken();
    const record = await this.#insert(token, request);
    return { token, record };
  }

  /**
   * Registers a token made elsewhere (an operator's `VALIDIBOT_API_TOKEN`, a file kept from an
   * earlier start): stores it if unknown and returns its record, as it is if it was known (it
   * may be revoked or expired: the caller decides what to say). At least 32 characters.
   */
  async ensure(token: string, request: CreateTokenRequest): Promise<ApiTokenRecord> {
    if (token.length < MIN_API_TOKEN_LENGTH || token.trim() !== token) {
      throw new ValidibotError(
        "invalid_request",
        `an API token has at least ${MIN_API_TOKEN_LENGTH} characters and no surrounding whitespace`,
      );
    }
    const known = await this.#known(token);
    if (known) return known;
    try {
      return await this.#insert(token, request);
    } catch (error) {
      // Another instance registered it at the same moment.
      if (isValidibotError(error) && error.code === "store_conflict") {
        const again = await this.#known(token);
        if (again) return again;
      }
      throw error;
    }
  }

  /** Token records (never tokens), oldest first, of one organization or all. */
  list(options?: ListTokensOptions): Promise<ApiTokenRecord[]> {
    return this.#store.listTokens(options);
  }

  /** Revokes a token by id, at once and for good; `api_token_not_found` for an unknown id. */
  async revoke(id: string): Promise<ApiTokenRecord> {
    const record = await this.#store.revokeToken(id, this.#now().toISOString());
    if (!record) throw new ValidibotError("api_token_not_found", `no API token ${id}`);
    return record;
  }

  /**
   * The principal of a token: `api_token_invalid` (unknown, or not matching its record),
   * `api_token_revoked`, `api_token_expired`.
   */
  async authenticate(token: string): Promise<Principal> {
    const record = await this.#known(token);
    if (!record) throw new ValidibotError("api_token_invalid", "the API token is not valid");
    if (record.revoked_at !== null) {
      throw new ValidibotError("api_token_revoked", `API token ${record.id} was revoked`);
    }
    if (record.expires_at !== null && Date.parse(record.expires_at) <= this.#now().getTime()) {
      throw new ValidibotError(
        "api_token_expired",
        `API token ${record.id} expired at ${record.expires_at}`,
      );
    }
    return {
      token_id: record.id,
      org: { id: record.org_id, name: record.org_name },
      scopes: [...record.scopes],
    };
  }

  /**
   * The principal of a request's `Authorization: Bearer <token>`: `api_token_missing` without
   * one, `auth_malformed` for another scheme or a repeated header, then as `authenticate`.
   */
  async authenticateRequest(headers: RequestHeaders): Promise<Principal> {
    let found: { scheme: string; credentials: string };
    try {
      found = readAuthorization(headers);
    } catch (error) {
      if (isValidibotError(error) && error.code === "auth_missing") {
        throw new ValidibotError(
          "api_token_missing",
          "send an API token as Authorization: Bearer <token>",
        );
      }
      throw error;
    }
    if (found.scheme.toLowerCase() !== "bearer") {
      throw new ValidibotError(
        "auth_malformed",
        "send the API token as Authorization: Bearer <token>",
      );
    }
    return this.authenticate(found.credentials);
  }

  async #known(token: string): Promise<ApiTokenRecord | null> {
    const record = await this.#store.getToken(apiTokenId(token));
    return record && apiTokenMatches(token, record.token_sha256) ? record : null;
  }

  async #insert(token: string, request: CreateTokenRequest): Promise<ApiTokenRecord> {
    const record: ApiTokenRecord = {
      id: apiTokenId(token),
      token_sha256: apiTokenHash(token),
      name: request.name ?? "API token",
      org_id: request.org.id,
      org_name: request.org.name,
      scopes: parseScopes(request.scopes),
      created_at: this.#now().toISOString(),
      expires_at: expiryOf(request.expiresAt),
      revoked_at: null,
    };
    await this.#store.insertToken(record);
    return record;
  }
}

/** Throws `api_scope_insufficient` unless `principal` holds `scope` (or `admin`). */
export function requireScope(principal: Principal, scope: ApiScope): void {
  if (!scopeAllows(principal.scopes, scope)) {
    throw new ValidibotError(
      "api_scope_insufficient",
      `this API token lacks the scope ${scope} (it has ${principal.scopes.join(", ")})`,
    );
  }
}
