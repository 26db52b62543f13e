import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LocalProcessLauncher } from "@validibot/sdk/launchers";
import { ExitCode } from "@validibot/validator-runtime";
import { afterEach, describe, expect, it } from "vitest";
import { WORKER_KEY } from "../service/harness";
import { bundleObjects, callbackBodyOf } from "./support/bundle-files";
import reportValidator from "./support/fixtures/report-validator";
import {
  closedCallbackUrl,
  type Host,
  postCallback,
  REPORT,
  reportModel,
  runtimeCliLauncher,
  startHost,
} from "./support/host";
import { InProcessRuntimeLauncher } from "./support/in-process-runtime";
import { expectEveryRunSettled } from "./support/invariants";
import { killTagged, leftoverProcesses, newTag } from "./support/processes";
import { executionEnded, letValidatorFinish, validatorStarted } from "./support/waits";

describe("the callback endpoint is down while the runtime posts", () => {
  let host: Host | undefined;
  let dir: string | undefined;
  const tag = newTag();

  afterEach(async () => {
    await host?.close();
    killTagged(tag);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("the runtime CLI retries, exits non-zero with output.json in the bundle; reconcile() takes it", async () => {
    dir = mkdtempSync(join(tmpdir(), "validibot-faults-"));
    const launcher: LocalProcessLauncher = runtimeCliLauncher(tag, dir);
    host = await startHost({ launcher, dir });
    const run = await host.service.submit({
      validatorId: REPORT.id,
      files: [reportModel({ errors: 2, warnings: 1, hold: "go-file" })],
    });
    expect(run.status).toBe("RUNNING");
    await validatorStarted(dir, run.id);

    // The host's HTTP server goes away while the validator works; it then posts into the void.
    await host.stopEndpoint();
    letValidatorFinish(dir, run.id);
    const attempt = await host.store.getAttempt(run.current_attempt_id as string);
    const ended = await executionEnded(launcher, attempt?.execution_ref as string);
    expect(ended).toMatchObject({ state: "failed", exitCode: ExitCode.callbackUndeliverable });
    expect(ended.stderrTail).toContain("callback try 3 of 3 failed");
    expect(await bundleObjects(host.storage, attempt as NonNullable<typeof attempt>)).toContain(
      "output.json",
    );
    expect((await host.store.getRun(run.id))?.status).toBe("RUNNING");

    // Before its deadline the run is left alone; past it, output.json settles it.
    expect((await host.service.reconcile()).examined).toBe(0);
    host.passDeadlines();
    expect(await host.service.reconcile()).toMatchObject({ examined: 1, recovered: 1 });
    expect(await host.store.getRun(run.id)).toMatchObject({
      status: "FAILED",
      error_category: "VALIDATION_FAILED",
      result_status: "failed_validation",
    });
    const settled = await expectEveryRunSettled(host.store, host.storage);
    expect(settled.findings).toBe(3);
    expect(await leftoverProcesses(tag)).toEqual([]);
  });

  it("the runtime in-process against a closed port: undeliverable, then reconcile(); a late replay changes nothing", async () => {
    const launcher = new InProcessRuntimeLauncher({
      validator: reportValidator,
      workerKey: WORKER_KEY,
      scratchRoot: tmpdir(),
    });
    host = await startHost({ launcher, callbackUrl: await closedCallbackUrl() });
    const run = await host.service.submit({
      validatorId: REPORT.id,
      files: [reportModel({ warnings: 2 })],
    });
    const attempt = await host.store.getAttempt(run.current_attempt_id as string);
    const outcome = await launcher.outcome(attempt?.execution_ref as string);
    expect(outcome).toMatchObject({
      exitCode: ExitCode.callbackUndeliverable,
      status: "success",
      callback: "undeliverable",
    });
    expect(outcome.error).toMatch(/after 3 tries/);

    host.passDeadlines();
    expect(await host.service.reconcile()).toMatchObject({ examined: 1, recovered: 1 });
    expect(await host.store.getRun(run.id)).toMatchObject({ status: "SUCCEEDED" });

    // The sender's callback turning up after all (a later retry) is a replay: nothing doubles.
    const late = await postCallback(
      host.endpoint,
      await callbackBodyOf(host.storage, attempt as NonNullable<typeof attempt>),
    );
    expect(late).toEqual({ status: 200, body: { status: "idempotent_replayed" } });
    const settled = await expectEveryRunSettled(host.store, host.storage);
    expect(settled.findings).toBe(2);
  });
});
