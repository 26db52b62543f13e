import type { ApiScope } from "./scopes";

/** The organization a token (and every run it submits) belongs to. */
export interface Organization {
  id: string;
  name: string;
}

/** An API token as a store keeps it: never the token itself, only its hash. */
export interface ApiTokenRecord {
  /** `tok_...`, derived from the token (see `apiTokenId`); what lists show and revocation names. */
  id: string;
  /** SHA-256 of the token (see `apiTokenHash`), lowercase hex. */
  token_sha256: string;
  /** A label for people ("CI of the web app"). */
  name: string;
  org_id: string;
  org_name: string;
  scopes: ApiScope[];
  /** ISO 8601 instants; `expires_at` null: never expires; `revoked_at` null: not revoked. */
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
}

/** The filter of `TokenStore.listTokens`. */
export interface ListTokensOptions {
  /** Only this organization's tokens. Default: every organization's. */
  orgId?: string;
}

/**
 * Where API token records live. Implementations: `SqliteTokenStore`, `PostgresTokenStore`,
 * `MemoryTokenStore`. Records are created once and only ever revoked, never edited otherwise.
 */
export interface TokenStore {
  /** Creates the tables (numbered migrations); safe to call on every start. */
  init(): Promise<void>;
  close(): Promise<void>;
  /** Stores a new record; `store_conflict` when its id exists. */
  insertToken(record: ApiTokenRecord): Promise<void>;
  getToken(id: string): Promise<ApiTokenRecord | null>;
  /** Records, oldest first. */
  listTokens(options?: ListTokensOptions): Promise<ApiTokenRecord[]>;
  /**
   * Sets `revoked_at` if it is not set yet; returns the record (as it now is), or null when
   * there is no such token. Revoking twice keeps the first instant.
   */
  revokeToken(id: string, at: string): Promise<ApiTokenRecord | null>;
}

/** Who a request is: the token that authenticated it, its organization and scopes. */
export interface Principal {
  token_id: string;
  org: Organization;
  scopes: ApiScope[];
}
