import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { setTimeout as sleep } from "node:timers/promises";
import { isTerminalRunStatus } from "@validibot/contracts";
import { FilesystemStorage } from "@validibot/sdk/storage";
import { SqliteRunStore } from "@validibot/sdk/store";
import { afterEach, describe, expect, it } from "vitest";
import { freePort, type HostProcess, spawnHostProcess } from "./support/host-process";
import { expectEveryRunSettled } from "./support/invariants";
import { killTagged, leftoverProcesses, newTag } from "./support/processes";
import { eventually } from "./support/waits";

const RUNS_PER_INSTANCE = 30;

/**
 * A third writer on the file: takes the write lock (`BEGIN IMMEDIATE`) and holds it 30 ms out of
 * every 50, so the instances' writes keep meeting a locked database and must wait it out.
 */
function startLockHog(path: string): { stop(): Promise<void> } {
  const db = new DatabaseSync(path);
  db.exec("PRAGMA busy_timeout = 5000");
  let running = true;
  const loop = (async () => {
    while (running) {
      db.exec("BEGIN IMMEDIATE");
      await sleep(30);
      db.exec("COMMIT");
      await sleep(20);
    }
  })();
  let closed = false;
  return {
    async stop() {
      running = false;
      await loop;
      if (!closed) db.close();
      closed = true;
    },
  };
}

/** The run ids whose result an instance recorded, from its log lines. */
function recordedBy(host: HostProcess): string[] {
  return host.stderr
    .split("\n")
    .filter((line) => line.includes('"message":"result recorded"'))
    .map((line) => (JSON.parse(line) as { run_id: string }).run_id);
}

describe("two service instances on one SQLite file, writing at once", () => {
  const tag = newTag();
  let dir: string;
  let hosts: HostProcess[] = [];
  let hog: { stop(): Promise<void> } | null = null;

  afterEach(async () => {
    await hog?.stop();
    for (const host of hosts) host.child.kill("SIGKILL");
    await Promise.all(hosts.map((host) => host.exited));
    hosts = [];
    killTagged(tag);
    rmSync(dir, { recursive: true, force: true });
  });

  it(`${2 * RUNS_PER_INSTANCE} runs submitted to both, each called back on the other: no SQLITE_BUSY surfaces, every run ends once`, async () => {
    dir = mkdtempSync(join(tmpdir(), "validibot-faults-sqlite-"));
    const [portA, portB] = [await freePort(), await freePort()];
    const endpoint = (port: number) => `http://127.0.0.1:${port}/api/v1/validation-callbacks/`;
    // The second starts once the first has created the schema: both then share the file.
    const a = await spawnHostProcess({
      dir,
      port: portA,
      tag,
      launcher: "mock",
      callbackUrl: endpoint(portB as number),
    });
    hosts.push(a);
    const b = await spawnHostProcess({
      dir,
      port: portB as number,
      tag,
      launcher: "mock",
      callbackUrl: endpoint(portA),
    });
    hosts.push(b);

    const path = join(dir, "runs.sqlite");
    hog = startLockHog(path);
    const submitted = await Promise.all(
      Array.from({ length: RUNS_PER_INSTANCE }, (_, i) => [
        a.submit({ errors: i % 3, warnings: i % 2 }),
        b.submit({ errors: i % 2, warnings: i % 3 }),
      ]).flat(),
    );
    // Reconcilers on both instances take their lease transactions in the same storm.
    const reconciled = await Promise.all([a.reconcile(), b.reconcile()]);
    expect(reconciled.map((summary) => summary.examined)).toEqual([0, 0]);

    const store = new SqliteRunStore({ path });
    await store.init();
    try {
      for (const run of submitted) expect(["RUNNING", "SUCCEEDED", "FAILED"]).toContain(run.status);
      await eventually(async () => {
        const page = await store.listRuns({ limit: 1000 });
        return page.items.length === submitted.length &&
          page.items.every((run) => isTerminalRunStatus(run.status))
          ? true
          : undefined;
      });
      await hog.stop();

      const settled = await expectEveryRunSettled(
        store,
        new FilesystemStorage({ root: join(dir, "bundles") }),
      );
      expect(settled.runs).toHaveLength(2 * RUNS_PER_INSTANCE);
      expect(settled.fromOutput).toBe(2 * RUNS_PER_INSTANCE);
      expect(new Set(settled.runs.map((run) => run.id))).toEqual(
        new Set(submitted.map((run) => run.id)),
      );

      // Each result was recorded once, by the instance the callback went to: the other one.
      const ids = (host: HostProcess) =>
        new Set(submitted.filter((_, i) => (i % 2 === 0) === (host === a)).map((r) => r.id));
      expect(new Set(recordedBy(a))).toEqual(ids(b));
      expect(new Set(recordedBy(b))).toEqual(ids(a));
      expect(recordedBy(a).length + recordedBy(b).length).toBe(2 * RUNS_PER_INSTANCE);

      for (const host of [a, b]) {
        expect(await host.loggedProblems()).toEqual([]);
        expect(host.stderr).not.toMatch(/SQLITE_BUSY|database is (busy|locked)|store_unavailable/);
      }
    } finally {
      await store.close();
    }
    for (const host of [a, b]) {
      host.child.kill("SIGTERM");
      expect(await host.exited).toEqual({ code: 0, signal: null });
    }
    hosts = [];
    expect(await leftoverProcesses(tag)).toEqual([]);
  });
});
