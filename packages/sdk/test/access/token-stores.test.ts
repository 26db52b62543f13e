import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { skipWithoutPostgres, TEST_DATABASE_URL } from "../../../../test-support/postgres";
import { MemoryTokenStore } from "../../src/access/memory-token-store";
import { PostgresTokenStore } from "../../src/access/postgres-token-store";
import { SqliteTokenStore } from "../../src/access/sqlite-token-store";
import type { TokenStore } from "../../src/access/types";
import { PostgresRunStore } from "../../src/store/postgres-store";
import { SqliteRunStore } from "../../src/store/sqlite-store";
import { makeTokenRecord, tokenStoreConformance } from "./token-store-conformance";

const dir = mkdtempSync(join(tmpdir(), "validibot-tokens-"));
const opened: TokenStore[] = [];
let files = 0;

afterAll(async () => {
  for (const store of opened) await store.close().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

async function remember<T extends TokenStore>(store: T): Promise<T> {
  await store.init();
  opened.push(store);
  return store;
}

tokenStoreConformance("MemoryTokenStore", () => remember(new MemoryTokenStore()));
tokenStoreConformance("SqliteTokenStore", () =>
  remember(new SqliteTokenStore({ path: join(dir, `tokens-${++files}.sqlite`) })),
);

describe("SqliteTokenStore in the run store's file", () => {
  it("keeps its own migration ledger beside the run store's, and both reopen", async () => {
    const path = join(dir, "shared.sqlite");
    const runs = new SqliteRunStore({ path });
    await runs.init();
    const tokens = await remember(new SqliteTokenStore({ path }));
    const record = makeTokenRecord();
    await tokens.insertToken(record);
    await tokens.close();
    await runs.close();

    const again = await remember(new SqliteTokenStore({ path }));
    const runsAgain = new SqliteRunStore({ path });
    await runsAgain.init();
    expect(await again.getToken(record.id)).toEqual(record);
    expect((await runsAgain.listRuns()).items).toEqual([]);
    await runsAgain.close();

    const db = new DatabaseSync(path);
    const ledgers = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE '%migrations'")
      .all()
      .map((row) => row.name);
    const stored = db.prepare("SELECT * FROM api_tokens").all();
    db.close();
    expect(ledgers.sort()).toEqual(["access_migrations", "schema_migrations"]);
    // Only the hash is kept: nothing in the row is the token.
    expect(Object.keys(stored[0] ?? {})).not.toContain("token");
  });
});

// Outside CI a missing database skips these tests, saying so; in CI they run and fail.
const skip = await skipWithoutPostgres("The PostgresTokenStore tests");
const prefix = `vbtok_${process.pid}_${randomUUID().slice(0, 8)}`;
const schemas: string[] = [];

afterAll(async () => {
  if (skip) return;
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  for (const schema of schemas) await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await admin.end();
});

function freshSchema(): string {
  const schema = `${prefix}_${schemas.length + 1}`;
  schemas.push(schema);
  return schema;
}

describe.skipIf(skip)("PostgresTokenStore", () => {
  tokenStoreConformance("PostgresTokenStore", () =>
    remember(
      new PostgresTokenStore({ connectionString: TEST_DATABASE_URL, schema: freshSchema() }),
    ),
  );

  it("shares a schema with PostgresRunStore, each with its own ledger, and initialises twice", async () => {
    const schema = freshSchema();
    const runs = new PostgresRunStore({ connectionString: TEST_DATABASE_URL, schema });
    await runs.init();
    const [a, b] = await Promise.all([
      remember(new PostgresTokenStore({ connectionString: TEST_DATABASE_URL, schema })),
      remember(new PostgresTokenStore({ connectionString: TEST_DATABASE_URL, schema })),
    ]);
    const record = makeTokenRecord();
    await a.insertToken(record);
    expect(await b.getToken(record.id)).toEqual(record);
    expect((await runs.listRuns()).items).toEqual([]);
    await runs.close();
    const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    const ledger = await admin.query(`SELECT version, name FROM "${schema}".access_migrations`);
    await admin.end();
    expect(ledger.rows).toEqual([{ version: 1, name: "api tokens" }]);
  });
});
