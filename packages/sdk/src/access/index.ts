export {
  ApiTokens,
  type ApiTokensOptions,
  type CreatedToken,
  type CreateTokenRequest,
  requireScope,
} from "./api-tokens";
export { MemoryTokenStore } from "./memory-token-store";
export { PostgresTokenStore, type PostgresTokenStoreOptions } from "./postgres-token-store";
export { RunAccess } from "./run-access";
export { API_SCOPES, ApiScope, parseScopes, scopeAllows } from "./scopes";
export { SqliteTokenStore, type SqliteTokenStoreOptions } from "./sqlite-token-store";
export {
  POSTGRES_TOKEN_MIGRATIONS,
  SQLITE_TOKEN_MIGRATIONS,
  TOKEN_MIGRATIONS_LEDGER,
} from "./token-migrations";
export { OrgId } from "./token-record";
export {
  API_TOKEN_PREFIX,
  apiTokenHash,
  apiTokenId,
  apiTokenMatches,
  generateApiToken,
  MIN_API_TOKEN_LENGTH,
} from "./token-secret";
export type {
  ApiTokenRecord,
  ListTokensOptions,
  Organization,
  Principal,
  TokenStore,
} from "./types";
