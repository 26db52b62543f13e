import { isValidibotError, ValidibotError } from "@validibot/contracts";

const SQLITE_BUSY = 5;
const SQLITE_LOCKED = 6;
const SQLITE_IOERR = 10;
const SQLITE_FULL = 13;
const SQLITE_CONSTRAINT_PRIMARYKEY = 1555;
const SQLITE_CONSTRAINT_UNIQUE = 2067;

/**
 * A `node:sqlite` error as the store's caller should see it: a duplicate key is
 * `store_conflict`, a database still locked after the busy timeout is `store_unavailable`
 * (the caller may retry), and so is a full disk (`SQLITE_FULL`, "database or disk is full") or a
 * failed write (`SQLITE_IOERR`, which a full disk or quota also gives): out of space is
 * unavailability, answered 503 with `Retry-After`, never 500. Anything else is passed on unchanged.
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
  if (primary === SQLITE_FULL) {
    return new ValidibotError("store_unavailable", `${what}: the database or its disk is full`, {
      cause: error,
    });
  }
  if (primary === SQLITE_IOERR) {
    return new ValidibotError("store_unavailable", `${what}: disk I/O failed (${error.message})`, {
      cause: error,
    });
  }
  return error;
}
