import { afterEach, describe, expect, it } from "vitest";
import { outputFor, writeOutput } from "./act-as-validator";
import { ENERGYPLUS, type Harness, SAMPLE_IDF, startHarness } from "./harness";
import { RecordingLauncher } from "./recording-launcher";

let harness: Harness;
afterEach(async () => harness?.close());

/** A harness whose clock the test moves. */
async function withClock(launcher: RecordingLauncher) {
  const clock = { now: Date.parse("2026-03-01T12:00:00Z") };
  harness = await startHarness({
    launcher,
    service: { now: () => new Date(clock.now), deadlineGraceSeconds: 60 },
  });
  return clock;
}

const submitModel = () =>
  harness.service.submit({
    validatorId: ENERGYPLUS.id,
    files: [{ port_key: "primary_model", name: "model.idf", body: SAMPLE_IDF }],
  });

describe("reconcile()", () => {
  it("leaves runs alone before their deadline", async () => {
    const launcher = new RecordingLauncher();
    const clock = await withClock(launcher);
    const run = await submitModel();
    clock.now += (ENERGYPLUS.timeout_seconds as number) * 1000; // timeout passed, grace not yet
    expect(await harness.service.reconcile()).toEqual({
      examined: 0,
      recovered: 0,
      timedOut: 0,
      failed: 0,
    });
    expect((await harness.service.getRun(run.id))?.status).toBe("RUNNING");
    expect(launcher.cancelled).toEqual([]);
  });

  it("processes an output.json whose callback never came, as if it had", async () => {
    const launcher = new RecordingLauncher();
    const clock = await withClock(launcher);
    const run = await submitModel();
    await writeOutput(
      harness.storage,
      launcher.last,
      outputFor(launcher.last, "failed_validation"),
    );
    clock.now += ((ENERGYPLUS.timeout_seconds as number) + 61) * 1000;
    expect(await harness.service.reconcile()).toEqual({
      examined: 1,
      recovered: 1,
      timedOut: 0,
      failed: 0,
    });
    expect(await harness.service.getRun(run.id)).toMatchObject({
      status: "FAILED",
      error_category: "VALIDATION_FAILED",
    });
    expect(await harness.service.listFindings(run.id)).toHaveLength(3);
    expect(launcher.cancelled).toEqual([]);
  });

  it("without output, asks the launcher, cancels the execution and ends the run TIMED_OUT", async () => {
    const launcher = new RecordingLauncher();
    launcher.state = { state: "running", stderrTail: "still simulating..." };
    const clock = await withClock(launcher);
    const run = await submitModel();
    clock.now += ((ENERGYPLUS.timeout_seconds as number) + 61) * 1000;
    expect(await harness.service.reconcile()).toEqual({
      examined: 1,
      recovered: 0,
      timedOut: 1,
      failed: 0,
    });
    expect(await harness.service.getRun(run.id)).toMatchObject({
      status: "TIMED_OUT",
      error_category: "TIMEOUT",
    });
    expect(launcher.cancelled).toEqual([`exec-${run.current_attempt_id}`]);
    const attempt = await harness.store.getAttempt(run.current_attempt_id as string);
    expect(attempt).toMatchObject({ status: "TIMED_OUT", stderr_tail: "still simulating..." });
    // a second pass finds nothing more to do
    expect((await harness.service.reconcile()).examined).toBe(0);
  });

  it("ends a run whose execution failed without a result FAILED / RUNTIME_ERROR", async () => {
    const launcher = new RecordingLauncher();
    launcher.state = { state: "failed", detail: "exit code 137", exitCode: 137 };
    const clock = await withClock(launcher);
    const run = await submitModel();
    clock.now += ((ENERGYPLUS.timeout_seconds as number) + 61) * 1000;
    expect((await harness.service.reconcile()).failed).toBe(1);
    const ended = await harness.service.getRun(run.id);
    expect(ended).toMatchObject({ status: "FAILED", error_category: "RUNTIME_ERROR" });
    expect(ended?.error_message).toContain("exit code 137");
  });

  it("ends a run that was never launched FAILED / SYSTEM_ERROR, and stops a launch that returns afterwards", async () => {
    const launcher = new RecordingLauncher();
    let release = () => {};
    const launchHeld = new Promise<void>((resolve) => {
      release = resolve;
    });
    let entered = () => {};
    const launchEntered = new Promise<void>((resolve) => {
      entered = resolve;
    });
    launcher.duringLaunch = async () => {
      entered();
      await launchHeld;
    };
    const clock = await withClock(launcher);
    const submitting = submitModel();
    await launchEntered;
    const [pending] = (await harness.service.listRuns()).items;
    expect(pending?.status).toBe("PENDING");
    clock.now += ((ENERGYPLUS.timeout_seconds as number) + 61) * 1000;
    expect(await harness.service.reconcile()).toEqual({
      examined: 1,
      recovered: 0,
      timedOut: 0,
      failed: 1,
    });
    const ended = await harness.service.getRun(pending?.id as string);
    expect(ended).toMatchObject({ status: "FAILED", error_category: "SYSTEM_ERROR" });
    expect(ended?.error_message).toContain("never launched");
    release();
    const returned = await submitting;
    expect(returned.status).toBe("FAILED");
    // the execution that launch() started after all is stopped
    expect(launcher.cancelled).toEqual([`exec-${returned.current_attempt_id}`]);
  });

  it("does not touch runs that have ended, and works through more overdue runs than one batch", async () => {
    const launcher = new RecordingLauncher();
    const clock = await withClock(launcher);
    await harness.close();
    harness = await startHarness({
      launcher,
      service: { now: () => new Date(clock.now), deadlineGraceSeconds: 60, reconcileBatchSize: 3 },
    });
    const runs = [];
    for (let i = 0; i < 7; i += 1) runs.push(await submitModel());
    await harness.service.cancel(runs[0]?.id as string);
    clock.now += ((ENERGYPLUS.timeout_seconds as number) + 61) * 1000;
    const summary = await harness.service.reconcile();
    expect(summary).toMatchObject({ examined: 6, timedOut: 6 });
    expect((await harness.service.getRun(runs[0]?.id as string))?.status).toBe("CANCELED");
  });
});
