import { randomUUID } from "node:crypto";
import { POSTGRES_MIGRATIONS, PostgresRunStore } from "@validibot/sdk/store";
import pg from "pg";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { skipWithoutPostgres, TEST_DATABASE_URL } from "../../../../test-support/postgres";
import type { RunRecord } from "../../src/model";
import type { RunChange } from "../../src/store/types";
import { nextChange, runStoreConformance } from "./conformance";
import { at, makeAttempt, makeCompletion, makeRun } from "./fixtures";

const url = TEST_DATABASE_URL;
// Outside CI a missing database skips these tests, saying so; in CI they run and fail.
const skip = await skipWithoutPostgres("The PostgresRunStore tests");

/** Every schema this file makes starts with this, and all are dropped after it. */
const prefix = `vbtest_${process.pid}_${randomUUID().slice(0, 8)}`;
const schemas: string[] = [];
let count = 0;
function freshSchema(): string {
  const schema = `${prefix}_${++count}`;
  schemas.push(schema);
  return schema;
}

const admin = skip ? null : new pg.Pool({ connectionString: url, max: 2 });
admin?.on("error", () => undefined);

/** The schema of this test file; each test starts from its tables emptied. */
const fileSchema = freshSchema();
let fileSchemaReady: Promise<void> | null = null;

async function emptyFileSchema(): Promise<string> {
  fileSchemaReady ??= (async () => {
    const store = storeOn(fileSchema);
    await store.init();
    await store.close();
  })();
  await fileSchemaReady;
  await admin?.query(
    `TRUNCATE ${["runs", "attempts", "callback_receipts", "findings", "metrics", "artifacts"]
      .map((table) => `"${fileSchema}".${table}`)
      .join(", ")}`,
  );
  return fileSchema;
}

afterAll(async () => {
  if (!admin) return;
  for (const schema of schemas) await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await admin.end();
});

function storeOn(schema: string): PostgresRunStore {
  return new PostgresRunStore({ connectionString: url, schema, maxConnections: 4 });
}

const schemaOf = new WeakMap<object, string>();

describe.skipIf(skip)("PostgresRunStore", () => {
  runStoreConformance("PostgresRunStore", {
    announcesChanges: true,
    async open() {
      const schema = await emptyFileSchema();
      const store = storeOn(schema);
      await store.init();
      schemaOf.set(store, schema);
      return store;
    },
    async reopen(store) {
      const schema = schemaOf.get(store);
      if (!schema) throw new Error("not a store of this harness");
      const second = storeOn(schema);
      await second.init();
      return second;
    },
    async listening(store) {
      await (store as PostgresRunStore).whenListening();
    },
  });

  describe("several instances on one database", () => {
    const stores: PostgresRunStore[] = [];
    afterEach(async () => {
      for (const store of stores.splice(0)) await store.close();
    });

    async function instances(n: number, schema: string): Promise<PostgresRunStore[]> {
      const started = Array.from({ length: n }, () => storeOn(schema));
      for (const store of started) schemaOf.set(store, schema);
      stores.push(...started);
      await Promise.all(started.map((store) => store.init()));
      return started;
    }

    async function pair(): Promise<[PostgresRunStore, PostgresRunStore]> {
      const [a, b] = await instances(2, await emptyFileSchema());
      if (!a || !b) throw new Error("instances missing");
      return [a, b];
    }

    it("apply each migration exactly once when they start at the same moment", async () => {
      const schema = freshSchema();
      await instances(6, schema);
      const result = await admin?.query(
        `SELECT version, count(*)::integer AS n FROM "${schema}".schema_migrations
         GROUP BY version ORDER BY version`,
      );
      expect(result?.rows).toEqual(POSTGRES_MIGRATIONS.map((m) => ({ version: m.version, n: 1 })));
    });

    it("give exactly one winner of claims split across them, and apply the callback once", async () => {
      const [a, b] = await pair();
      const run = makeRun({ status: "RUNNING" });
      const attempt = makeAttempt(run);
      await a.createRun(run, attempt);
      const ids = { callback_id: attempt.callback_id, run_id: run.id, attempt_id: attempt.id };
      const claims = await Promise.all(
        Array.from({ length: 50 }, (_, i) => (i % 2 ? a : b).claimCallback(ids, 60_000)),
      );
      expect(claims.filter((r) => r.kind === "claimed")).toHaveLength(1);
      expect(claims.filter((r) => r.kind === "processing")).toHaveLength(49);

      const completion = makeCompletion(attempt);
      await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).completeCallback(completion)),
      );
      expect((await b.getRun(run.id))?.status).toBe("SUCCEEDED");
      expect(await a.listFindings(run.id)).toEqual(completion.findings);
      expect(await b.countFindings(run.id)).toEqual({ INFO: 1, WARNING: 1, ERROR: 1 });
      expect((await a.claimCallback(ids, 0)).kind).toBe("processed");
    });

    it("never hand one overdue run to two reconcilers", async () => {
      const [a, b] = await pair();
      const due: string[] = [];
      for (let i = 0; i < 24; i++) {
        const run = makeRun({ status: i % 3 ? "RUNNING" : "PENDING", deadline_at: at(i) });
        await a.createRun(run, makeAttempt(run));
        due.push(run.id);
      }
      const taken: string[] = [];
      for (;;) {
        const batches = await Promise.all(
          [a, b, a, b].map((store) => store.claimOverdueRuns(at(100), 4, at(1000))),
        );
        const ids = batches.flat().map((run) => run.id);
        if (ids.length === 0) break;
        taken.push(...ids);
      }
      expect(new Set(taken).size).toBe(taken.length);
      expect([...taken].sort()).toEqual([...due].sort());
    });

    it("tell a listener on one instance about changes made through another", async () => {
      const [a, b] = await pair();
      await a.whenListening();
      const run = makeRun();
      const attempt = makeAttempt(run);
      const created = nextChange(a, (c) => c.run_id === run.id && c.status === "PENDING");
      await b.createRun(run, attempt);
      expect(await created).toEqual({ run_id: run.id, status: "PENDING" });

      const running = nextChange(a, (c) => c.run_id === run.id && c.status === "RUNNING");
      await b.updateRun(run.id, { status: "RUNNING" }, ["PENDING"]);
      expect(await running).toEqual({ run_id: run.id, status: "RUNNING" });

      const finished = nextChange(a, (c) => c.run_id === run.id && c.status === "SUCCEEDED");
      await b.completeCallback(makeCompletion(attempt));
      expect(await finished).toEqual({ run_id: run.id, status: "SUCCEEDED" });
    });

    it("listen again after the LISTEN connection is killed", async () => {
      const [a, b] = await pair();
      const schema = schemaOf.get(a) ?? "";
      await a.whenListening();
      const killed = await admin?.query(
        `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity
         WHERE datname = current_database() AND query = $1`,
        [`LISTEN "${schema}.run_changed"`],
      );
      expect(killed?.rows).toEqual([{ ok: true }]);

      const run = makeRun();
      await b.createRun(run, makeAttempt(run));
      let heard = false;
      const seen = nextChange(a, (c) => c.run_id === run.id && c.status === "RUNNING").then(
        (change: RunChange) => {
          heard = true;
          return change;
        },
      );
      // Changes made while it reconnects are missed by design; keep changing until one is heard.
      while (!heard) {
        await b.updateRun(run.id, { status: "RUNNING" });
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(await seen).toEqual({ run_id: run.id, status: "RUNNING" });
    });

    it("refuse a schema a newer SDK migrated further", async () => {
      const schema = freshSchema();
      await instances(1, schema);
      await admin?.query(
        `INSERT INTO "${schema}".schema_migrations (version, name) VALUES (999, 'x')`,
      );
      const newer = storeOn(schema);
      stores.push(newer);
      await expect(newer.init()).rejects.toMatchObject({ code: "store_unavailable" });
    });
  });

  describe("connections", () => {
    async function connectionsNamed(name: string): Promise<number> {
      const result = await admin?.query(
        "SELECT count(*)::integer AS n FROM pg_stat_activity WHERE application_name = $1",
        [name],
      );
      return Number(result?.rows[0]?.n);
    }

    it("close() ends the store's own pool and its LISTEN connection", async () => {
      const name = `vb-close-${randomUUID().slice(0, 8)}`;
      const separator = url.includes("?") ? "&" : "?";
      const store = new PostgresRunStore({
        connectionString: `${url}${separator}application_name=${name}`,
        schema: await emptyFileSchema(),
      });
      await store.init();
      store.onRunChanged(() => undefined);
      await store.whenListening();
      await store.getRun("run-x");
      expect(await connectionsNamed(name)).toBeGreaterThanOrEqual(1);
      await store.close();
      // A backend leaves pg_stat_activity shortly after its client disconnects.
      while ((await connectionsNamed(name)) > 0) {
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      await expect(store.getRun("run-x")).rejects.toMatchObject({ code: "store_unavailable" });
    });

    it("leaves a pool passed in open on close()", async () => {
      const pool = new pg.Pool({ connectionString: url, max: 3 });
      try {
        const store = new PostgresRunStore({ pool, schema: await emptyFileSchema() });
        await store.init();
        const run: RunRecord = makeRun();
        await store.createRun(run, makeAttempt(run));
        await store.whenListening();
        await store.close();
        const result = await pool.query("SELECT 1 AS one");
        expect(result.rows).toEqual([{ one: 1 }]);
      } finally {
        await pool.end();
      }
    });

    it("refuses bad options with invalid_request", () => {
      expect(() => new PostgresRunStore({ connectionString: url, schema: "bad-name" })).toThrow(
        expect.objectContaining({ code: "invalid_request" }),
      );
      expect(() => new PostgresRunStore({} as { connectionString: string })).toThrow(
        expect.objectContaining({ code: "invalid_request" }),
      );
    });
  });
});
