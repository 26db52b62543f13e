export { decodeCursor, encodeCursor, type RunCursor } from "./cursor";
export { MemoryRunStore } from "./memory-store";
export { POSTGRES_MIGRATIONS, type PostgresMigration } from "./postgres-migrations";
export { type PgPoolLike, PostgresRunStore, type PostgresRunStoreOptions } from "./postgres-store";
export { SQLITE_MIGRATIONS, type SqliteMigration } from "./sqlite-migrations";
export { SqliteRunStore, type SqliteRunStoreOptions } from "./sqlite-store";
export type {
  CallbackCompletion,
  ClaimResult,
  ListRunsOptions,
  RunChange,
  RunListPage,
  RunStore,
} from "./types";
export { ACTIVE_RUN_STATUSES, MAX_PAGE_SIZE } from "./validate";
