import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isTerminalRunStatus } from "@validibot/contracts";
import { FilesystemStorage } from "@validibot/sdk/storage";
import { SqliteRunStore } from "@validibot/sdk/store";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { freePort, type HostProcess, spawnHostProcess } from "./support/host-process";
import { expectEveryRunSettled } from "./support/invariants";
import { isAlive, killTagged, leftoverProcesses, newTag } from "./support/processes";
import { eventually, letValidatorFinish, validatorStarted } from "./support/waits";

const A_DAY_MS = 24 * 3600 * 1000;

describe("the host process is killed between launch and callback, and restarted", () => {
  let dir: string;
  let port: number;
  let tag: string;
  let hosts: HostProcess[];
  let store: SqliteRunStore;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "validibot-faults-host-"));
    port = await freePort();
    tag = newTag();
    hosts = [];
    // The test reads the host's SQLite file and bundles itself, as a second process would.
    store = new SqliteRunStore({ path: join(dir, "runs.sqlite") });
  });

  afterEach(async () => {
    for (const host of hosts) host.child.kill("SIGKILL");
    await Promise.all(hosts.map((host) => host.exited));
    await store.close();
    killTagged(tag);
    rmSync(dir, { recursive: true, force: true });
  });

  async function startHost(options: { callbackAttempts: number; clockOffsetMs?: number }) {
    const host = await spawnHostProcess({
      dir,
      port,
      tag,
      launcher: "local",
      callbackDelayMs: 100,
      ...options,
    });
    hosts.push(host);
    return host;
  }

  /** The validator's own log (it also writes stderr, whose reader died with the host). */
  const validatorLog = (pid: number) => {
    const file = join(dir, `validator-${pid}.log`);
    return existsSync(file) ? readFileSync(file, "utf8") : "";
  };

  /** Starts a host, submits a run whose validator holds, and SIGKILLs the host once it runs. */
  async function launchThenKillHost(callbackAttempts: number) {
    const first = await startHost({ callbackAttempts });
    const run = await first.submit({ errors: 1, warnings: 2, hold: "go-file" });
    expect(run.status).toBe("RUNNING");
    await store.init();
    const validatorPid = await validatorStarted(dir, run.id);
    first.child.kill("SIGKILL");
    expect(await first.exited).toEqual({ code: null, signal: "SIGKILL" });
    // The validator outlives its host: it runs in its own process group.
    expect(isAlive(validatorPid)).toBe(true);
    return { run, validatorPid };
  }

  async function expectSettled() {
    const storage = new FilesystemStorage({ root: join(dir, "bundles") });
    const settled = await expectEveryRunSettled(store, storage);
    expect(settled.runs).toHaveLength(1);
    expect(settled.findings).toBe(3);
    const last = hosts.at(-1) as HostProcess;
    expect(await last.loggedProblems()).toEqual([]);
    last.child.kill("SIGTERM");
    expect(await last.exited).toEqual({ code: 0, signal: null });
    expect(await leftoverProcesses(tag)).toEqual([]);
  }

  it("the validator's retried callback reaches the restarted host and the run completes", async () => {
    const { run, validatorPid } = await launchThenKillHost(10);
    letValidatorFinish(dir, run.id);
    // Its first try meets a refused connection: nobody listens on the port now.
    await eventually(() =>
      validatorLog(validatorPid).includes("callback try 1 of 10 failed") ? true : undefined,
    );

    await startHost({ callbackAttempts: 10 });
    const done = await eventually(async () => {
      const current = await store.getRun(run.id);
      return current && isTerminalRunStatus(current.status) ? current : undefined;
    });
    expect(done).toMatchObject({
      status: "FAILED",
      error_category: "VALIDATION_FAILED",
      result_status: "failed_validation",
    });
    await eventually(() => (isAlive(validatorPid) ? undefined : true));
    const log = validatorLog(validatorPid);
    expect(log).toMatch(/callback delivered \(HTTP 200, try ([2-9]|10)\)/);
    expect(log).toContain("exit 0");
    await expectSettled();
  });

  it("the validator finished and gave up calling back while the host was down: the restarted host's reconcile() recovers the run", async () => {
    const { run, validatorPid } = await launchThenKillHost(2);
    letValidatorFinish(dir, run.id);
    await eventually(() => (isAlive(validatorPid) ? undefined : true));
    const log = validatorLog(validatorPid);
    expect(log).toContain("callback try 2 of 2 failed");
    expect(log).toContain("exit 14");
    expect((await store.getRun(run.id))?.status).toBe("RUNNING");

    const restarted = await startHost({ callbackAttempts: 2, clockOffsetMs: A_DAY_MS });
    expect(await restarted.reconcile()).toMatchObject({ examined: 1, recovered: 1 });
    expect(await store.getRun(run.id)).toMatchObject({
      status: "FAILED",
      error_category: "VALIDATION_FAILED",
      result_status: "failed_validation",
    });
    await expectSettled();
  });
});
