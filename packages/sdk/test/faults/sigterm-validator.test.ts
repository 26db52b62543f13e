import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LocalProcessLauncher } from "@validibot/sdk/launchers";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readJson } from "./support/bundle-files";
import { type Host, REPORT, reportModel, runtimeCliLauncher, startHost } from "./support/host";
import { expectEveryRunSettled } from "./support/invariants";
import { killTagged, leftoverProcesses, newTag, processesTagged } from "./support/processes";
import { eventually, executionEnded, validatorStarted } from "./support/waits";

describe("SIGTERM to a running validator (the runtime CLI under LocalProcessLauncher)", () => {
  let host: Host;
  let dir: string;
  let launcher: LocalProcessLauncher;
  const tag = newTag();

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "validibot-faults-"));
    launcher = runtimeCliLauncher(tag, dir);
    host = await startHost({ launcher, dir });
  });

  afterEach(async () => {
    await host.close();
    killTagged(tag);
    rmSync(dir, { recursive: true, force: true });
  });

  /** Submits a run whose validator runs a child process until cancelled; resolves once both run. */
  async function submitLongRun() {
    const run = await host.service.submit({
      validatorId: REPORT.id,
      files: [reportModel({ warnings: 1, hold: "child" })],
    });
    expect(run.status).toBe("RUNNING");
    const pid = await validatorStarted(dir, run.id);
    // The runtime and the validator's own child both run.
    await eventually(() => (processesTagged(tag).length >= 2 ? true : undefined));
    const attempt = await host.store.getAttempt(run.current_attempt_id as string);
    return { run, pid, attempt: attempt as NonNullable<typeof attempt> };
  }

  it("service.cancel(): the run ends CANCELED, the runtime still writes and posts `cancelled`, no process is left", async () => {
    const { run, attempt } = await submitLongRun();
    const cancelled = await host.service.cancel(run.id);
    expect(cancelled).toMatchObject({ status: "CANCELED", error_message: "canceled on request" });

    const ended = await executionEnded(launcher, attempt.execution_ref as string);
    expect(ended.state).toBe("cancelled");
    expect(ended.stderrTail).toContain("received SIGTERM");
    // The runtime's callback came after the cancel: taken as late, so the host's CANCELED stands.
    expect(ended.stderrTail).toContain("callback delivered");
    expect(await readJson(host.storage, attempt.output_uri)).toMatchObject({ status: "cancelled" });
    expect(await host.store.getRun(run.id)).toMatchObject({
      status: "CANCELED",
      result_status: null,
    });
    expect(await host.store.getAttempt(attempt.id)).toMatchObject({ status: "CANCELED" });
    await expectEveryRunSettled(host.store, host.storage);
    expect(await leftoverProcesses(tag)).toEqual([]);
  });

  it("a direct SIGTERM to the validator process: it posts `cancelled` and the run ends CANCELED with its finding", async () => {
    const { run, pid, attempt } = await submitLongRun();
    process.kill(pid, "SIGTERM");
    const done = await host.service.waitForRun(run.id, { timeoutMs: 20_000 });
    expect(done).toMatchObject({ status: "CANCELED", result_status: "cancelled" });
    // What the validator reported before it returned, then the runtime's note of the cancel.
    const findings = await host.service.listFindings(run.id);
    expect(findings.map((f) => f.code).at(-1)).toBe("attempt_cancelled");

    const ended = await executionEnded(launcher, attempt.execution_ref as string);
    expect(ended).toMatchObject({ state: "succeeded", exitCode: 0 });
    await expectEveryRunSettled(host.store, host.storage);
    expect(await leftoverProcesses(tag)).toEqual([]);
  });
});
