import { isValidibotError, ValidibotError } from "@validibot/contracts";

/** The `pg` module, as `PostgresRunStore` uses it. */
export type PgModule = typeof import("pg");

/**
 * Loads `pg`, the optional peer dependency, on first use; without it, a `store_unavailable`
 * error that says how to install it.
 */
export async function loadPg(): Promise<PgModule> {
  try {
    const loaded = (await import("pg")) as PgModule & { default?: PgModule };
    return loaded.default ?? loaded;
  } catch (error) {
    throw new ValidibotError(
      "store_unavailable",
      "PostgresRunStore needs the optional peer dependency `pg`: install it with `npm install pg`",
      { cause: error },
    );
  }
}

const UNIQUE_VIOLATION = "23505";
/** Class 08 (connection exception), 57P01-57P03 (shutdown), 53100 (disk full), 53300 (too many connections). */
const UNAVAILABLE = /^(08...|57P0[123]|53100|53300)$/;
const NETWORK = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EHOSTUNREACH",
]);

/** Whether a PostgreSQL error is worth retrying the whole transaction for (deadlock, serialization). */
export function isRetryablePgError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "40P01" || code === "40001";
}

/**
 * A `pg` error as the store's caller should see it: a duplicate key is `store_conflict`, a
 * lost or refused connection `store_unavailable` (the caller may retry); anything else is
 * passed on unchanged.
 */
export function mapPgError(error: unknown, what: string): unknown {
  if (isValidibotError(error) || !(error instanceof Error)) return error;
  const code = (error as { code?: unknown }).code;
  if (code === UNIQUE_VIOLATION) {
    const detail = (error as { detail?: unknown }).detail;
    return new ValidibotError(
      "store_conflict",
      `${what}: ${typeof detail === "string" ? detail : error.message}`,
      { cause: error },
    );
  }
  if (
    (typeof code === "string" && (UNAVAILABLE.test(code) || NETWORK.has(code))) ||
    /Connection terminated|connection timeout|Client has encountered a connection error/i.test(
      error.message,
    )
  ) {
    return new ValidibotError("store_unavailable", `${what}: ${error.message}`, { cause: error });
  }
  return error;
}
