import { isValidibotError, ValidibotError } from "@validibot/contracts";

const SQLITE_BUSY = 5;
const SQLITE_LOCKED = 6;
const SQLITE_CONSTRAINT_PRIMARYKEY = 1555;
const SQLITE_CONSTRAINT_UNIQUE = 2067;

/**
 * A `node:sqlite` error as the store's caller should see it: a duplicate key is
 * `store_conflict`, a database still locked after the busy timeout is `store_unavailable`
 * (the caller may retry); anything else is passed on unchanged.
 */
export function mapSqliteError(error: unknown, what: string): unknown {
  if (isValidibotError(error) || !(error instanceof Error)) return error;
  const errcode = (error as { errcode?: unknown }).errcode;
  if (typeof errcode !== "number") return error;
  if (errcode === SQLITE_CONSTRAINT_PRIMARYKEY || errcode === SQLITE_CONSTRAINT_UNIQUE) {
    return new ValidibotError("store_conflict", `${what}: ${error.message}`, { cause: error });
  }
  const primary = errcode & 0xff;
  if (primary === SQLITE_BUSY || primary === SQLITE_LOCKED) {
    return new ValidibotError("store_unavailable", `${what}: database is busy`, { cause: error });
  }
  return error;
}
