import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { fileURLToPath } from "node:url";
import { SQLITE_MIGRATIONS, SqliteRunStore } from "@validibot/sdk/store";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { SQLITE_OVERDUE_SQL } from "../../src/store/sqlite-store";
import { runStoreConformance } from "./conformance";
import { makeAttempt, makeCompletion, makeRun } from "./fixtures";

const dir = mkdtempSync(join(tmpdir(), "validibot-sqlite-store-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const paths = new WeakMap<object, string>();
let files = 0;

runStoreConformance("SqliteRunStore (file)", {
  announcesChanges: false,
  async open() {
    const path = join(dir, `store-${++files}.db`);
    const store = new SqliteRunStore({ path });
    await store.init();
    paths.set(store, path);
    return store;
  },
  async reopen(store) {
    const path = paths.get(store);
    if (!path) throw new Error("not a store of this harness");
    const second = new SqliteRunStore({ path });
    await second.init();
    return second;
  },
});

runStoreConformance("SqliteRunStore (:memory:)", {
  announcesChanges: false,
  async open() {
    const store = new SqliteRunStore({ path: ":memory:" });
    await store.init();
    return store;
  },
});

describe("SqliteRunStore on one file shared by several instances", () => {
  const stores: SqliteRunStore[] = [];
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
  });

  async function openPair(): Promise<[SqliteRunStore, SqliteRunStore, string]> {
    const path = join(dir, `pair-${++files}.db`);
    const a = new SqliteRunStore({ path });
    const b = new SqliteRunStore({ path });
    stores.push(a, b);
    await Promise.all([a.init(), b.init()]);
    return [a, b, path];
  }

  it("sees each other's writes", async () => {
    const [a, b] = await openPair();
    const run = makeRun();
    const attempt = makeAttempt(run);
    await a.createRun(run, attempt);
    expect(await b.getAttemptByCallbackId(attempt.callback_id)).toEqual(attempt);
    const running = await b.updateRun(run.id, { status: "RUNNING" }, ["PENDING"]);
    expect(await a.getRun(run.id)).toEqual(running);
    expect(await a.updateRun(run.id, { status: "CANCELED" }, ["PENDING"])).toBeNull();
  });

  it("gives exactly one winner of concurrent claims split across them", async () => {
    const [a, b] = await openPair();
    const run = makeRun({ status: "RUNNING" });
    const attempt = makeAttempt(run);
    await a.createRun(run, attempt);
    const ids = { callback_id: attempt.callback_id, run_id: run.id, attempt_id: attempt.id };
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => (i % 2 ? a : b).claimCallback(ids, 60_000)),
    );
    expect(results.filter((r) => r.kind === "claimed")).toHaveLength(1);
    await b.completeCallback(makeCompletion(attempt));
    expect((await a.claimCallback(ids, 60_000)).kind).toBe("processed");
    expect(await a.countFindings(run.id)).toEqual({ INFO: 1, WARNING: 1, ERROR: 1 });
  });

  it("is in WAL mode with each migration recorded once", async () => {
    const [, , path] = await openPair();
    const db = new DatabaseSync(path);
    try {
      expect(db.prepare("PRAGMA journal_mode").get()).toEqual({ journal_mode: "wal" });
      const versions = db.prepare("SELECT version FROM schema_migrations ORDER BY version").all();
      expect(versions.map((row) => row.version)).toEqual(SQLITE_MIGRATIONS.map((m) => m.version));
    } finally {
      db.close();
    }
  });

  it("answers overdue runs from the (status, deadline_at) index", async () => {
    const [, , path] = await openPair();
    const db = new DatabaseSync(path);
    try {
      const plan = db
        .prepare(`EXPLAIN QUERY PLAN ${SQLITE_OVERDUE_SQL}`)
        .all("RUNNING", "2025-01-01T00:00:00.000Z", 10)
        .map((row) => String(row.detail));
      expect(plan.join("\n")).toMatch(
        /SEARCH runs USING INDEX runs_status_deadline_idx \(status=\? AND deadline_at<\?\)/,
      );
      expect(plan.join("\n")).not.toMatch(/TEMP B-TREE|SCAN runs/);
    } finally {
      db.close();
    }
  });

  it("refuses a database a newer SDK migrated further", async () => {
    const [a, , path] = await openPair();
    await a.close();
    const db = new DatabaseSync(path);
    db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)").run(
      999,
      "from the future",
      new Date().toISOString(),
    );
    db.close();
    const newer = new SqliteRunStore({ path });
    stores.push(newer);
    await expect(newer.init()).rejects.toMatchObject({ code: "store_unavailable" });
  });

  it("refuses use before init() with store_unavailable", async () => {
    const store = new SqliteRunStore({ path: join(dir, `uninit-${++files}.db`) });
    stores.push(store);
    await expect(store.getRun("run-x")).rejects.toMatchObject({ code: "store_unavailable" });
    expect(() => new SqliteRunStore({ path: "" })).toThrow(/path/);
  });
});

describe("SqliteRunStore shared by several processes", () => {
  const root = fileURLToPath(new URL("../../../../", import.meta.url));
  const workerScript = fileURLToPath(new URL("./sqlite-worker.ts", import.meta.url));

  interface WorkerReport {
    worker: string;
    created: string[];
    claimed: string[];
    errors: string[];
  }

  function startWorker(path: string, name: string, shared: number) {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", workerScript, path, name, String(shared)],
      {
        cwd: root,
        stdio: ["pipe", "pipe", "pipe"],
      },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    const ready = new Promise<void>((resolve, reject) => {
      const check = () => (stdout.startsWith("ready\n") ? resolve() : undefined);
      child.stdout.on("data", check);
      child.once("exit", (code) => reject(new Error(`worker ${name} exited ${code}: ${stderr}`)));
    });
    const done = new Promise<WorkerReport>((resolve, reject) => {
      child.once("exit", (code) => {
        const last = stdout.trim().split("\n").at(-1) ?? "";
        if (code === 0) resolve(JSON.parse(last) as WorkerReport);
        else reject(new Error(`worker ${name} exited ${code}: ${stderr}`));
      });
    });
    return { ready, done, go: () => child.stdin.end("go\n") };
  }

  it("migrates a fresh file once and never surfaces a busy database", async () => {
    const path = join(dir, `processes-${++files}.db`);
    const shared = 30;
    const workers = ["p1", "p2", "p3"].map((name) => startWorker(path, name, shared));
    await Promise.all(workers.map((worker) => worker.ready));
    for (const worker of workers) worker.go();
    const reports = await Promise.all(workers.map((worker) => worker.done));

    for (const report of reports) expect(report.errors).toEqual([]);
    const created = reports.flatMap((report) => report.created).sort();
    const claimed = reports.flatMap((report) => report.claimed).sort();
    const expectedRuns = Array.from({ length: shared }, (_, i) => `run-shared-${i}`).sort();
    const expectedCallbacks = Array.from(
      { length: shared },
      (_, i) => `execution-attempt-shared-${i}`,
    );
    expect(created).toEqual(expectedRuns);
    expect(claimed).toEqual(expectedCallbacks.sort());

    const store = new SqliteRunStore({ path });
    await store.init();
    try {
      const all = await store.listRuns({ limit: 1000 });
      expect(all.items).toHaveLength(shared * 4);
      expect(all.next_cursor).toBeNull();
    } finally {
      await store.close();
    }
    const db = new DatabaseSync(path);
    try {
      expect(db.prepare("SELECT count(*) AS n FROM schema_migrations").get()).toEqual({
        n: SQLITE_MIGRATIONS.length,
      });
    } finally {
      db.close();
    }
  });
});
