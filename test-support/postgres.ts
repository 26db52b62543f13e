import pg from "pg";

/** The database the PostgreSQL tests use: `VALIDIBOT_TEST_DATABASE_URL`, or the local server's `test`. */
export const TEST_DATABASE_URL =
  process.env.VALIDIBOT_TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

/** Why `url` cannot be reached, or null when it answers. */
export async function postgresUnreachable(url: string = TEST_DATABASE_URL): Promise<string | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  client.on("error", () => undefined);
  try {
    await client.connect();
    await client.query("SELECT 1");
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Whether a PostgreSQL test file should skip: only outside CI, when no database answers, and then
 * it says so plainly. Under `CI` the tests run (and fail if the database is missing).
 */
export async function skipWithoutPostgres(
  what: string,
  url: string = TEST_DATABASE_URL,
): Promise<boolean> {
  const why = await postgresUnreachable(url);
  const skip = why !== null && !process.env.CI;
  if (skip) {
    console.warn(
      `${what} skipped: no PostgreSQL at ${url} (${why}). Start one or set VALIDIBOT_TEST_DATABASE_URL; in CI they run.`,
    );
  }
  return skip;
}

/** Drops a schema the tests made. */
export async function dropSchema(schema: string, url: string = TEST_DATABASE_URL): Promise<void> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await admin.end();
  }
}
