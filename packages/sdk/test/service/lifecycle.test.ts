import { ValidibotError } from "@validibot/contracts";
import { afterEach, describe, expect, it } from "vitest";
import type { RunRecord } from "../../src/model";
import { callbackFor, outputFor, writeOutput } from "./act-as-validator";
import { ENERGYPLUS, FMU, type Harness, SAMPLE_IDF, startHarness } from "./harness";
import { RecordingLauncher } from "./recording-launcher";

let harness: Harness;
afterEach(async () => harness?.close());

const submitModel = () =>
  harness.service.submit({
    validatorId: ENERGYPLUS.id,
    files: [{ port_key: "primary_model", name: "model.idf", body: SAMPLE_IDF }],
  });

describe("submit", () => {
  it.each([
    ["an unknown validator", { validatorId: "nope" }, "validator_unknown"],
    ["a missing required file", { validatorId: "energyplus", files: [] }, "file_missing"],
    [
      "a file for an unknown port",
      { validatorId: "fmu", files: [{ port_key: "model", name: "a.fmu", body: "x" }] },
      "file_unexpected",
    ],
    [
      "a file of the wrong type",
      { validatorId: "fmu", files: [{ port_key: "fmu", name: "a.idf", body: "x" }] },
      "file_type_unsupported",
    ],
    [
      "an unsafe file name",
      { validatorId: "fmu", files: [{ port_key: "fmu", name: "../a.fmu", body: "x" }] },
      "file_unsafe_name",
    ],
    [
      "inputs that do not fit",
      {
        validatorId: "energyplus",
        inputs: { timestep_per_hour: 0 },
        files: [{ port_key: "primary_model", name: "m.idf", body: "x" }],
      },
      "inputs_invalid",
    ],
    [
      "inputs with an unknown field (EnergyPlus inputs are strict)",
      {
        validatorId: "energyplus",
        inputs: { bogus: true },
        files: [{ port_key: "primary_model", name: "m.idf", body: "x" }],
      },
      "inputs_invalid",
    ],
  ])("refuses %s before storing anything", async (_name, request, code) => {
    harness = await startHarness({ launcher: new RecordingLauncher() });
    await expect(harness.service.submit(request)).rejects.toMatchObject({ code });
    expect((await harness.service.listRuns()).items).toEqual([]);
    expect(await harness.storage.list("")).toEqual([]);
  });

  it("a file over its port's limit ends the run FAILED / VALIDATION_FAILED and throws 413", async () => {
    harness = await startHarness({ launcher: new RecordingLauncher() });
    const error = await harness.service
      .submit({
        validatorId: FMU.id,
        files: [{ port_key: "fmu", name: "big.fmu", body: Buffer.alloc(4096) }],
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidibotError);
    expect((error as ValidibotError).status).toBe(413);
    const [run] = (await harness.service.listRuns()).items;
    expect(run).toMatchObject({ status: "FAILED", error_category: "VALIDATION_FAILED" });
    expect((error as ValidibotError).details?.run_id).toBe(run?.id);
    expect((error as ValidibotError).toBody()).toMatchObject({
      code: "storage_size_exceeded",
      run_id: run?.id,
    });
  });

  it("a launch failure ends the run FAILED / SYSTEM_ERROR with the launcher's error on the attempt", async () => {
    const launcher = new RecordingLauncher();
    launcher.failWith = new ValidibotError(
      "launcher_permission_denied",
      "missing run.jobs.runWithOverrides",
    );
    harness = await startHarness({ launcher });
    const run = await submitModel();
    expect(run).toMatchObject({ status: "FAILED", error_category: "SYSTEM_ERROR" });
    expect(run.error_message).toContain("run.jobs.runWithOverrides");
    const attempt = await harness.store.getAttempt(run.current_attempt_id as string);
    expect(attempt).toMatchObject({ status: "LAUNCH_FAILED" });
    expect(attempt?.launch_error).toContain("launcher_permission_denied");
  });

  it("a callback that lands before launch() returns is kept; the run does not fall back to RUNNING", async () => {
    const launcher = new RecordingLauncher();
    launcher.duringLaunch = async (request, context) => {
      await writeOutput(context.storage, request, outputFor(request, "success"));
      await context.deliverCallback(callbackFor(request, "success"));
    };
    harness = await startHarness({ launcher });
    const events: string[] = [];
    harness.service.events.on("run.succeeded", () => events.push("succeeded"));
    harness.service.events.on("run.started", () => events.push("started"));
    const run = await submitModel();
    expect(run.status).toBe("SUCCEEDED");
    expect(events).toEqual(["succeeded"]);
    const attempt = await harness.store.getAttempt(run.current_attempt_id as string);
    expect(attempt).toMatchObject({ status: "COMPLETED", execution_ref: `exec-${attempt?.id}` });
  });
});

describe("events, waiting and cancel", () => {
  it("emits created, started, failed and finished in order", async () => {
    const launcher = new RecordingLauncher();
    harness = await startHarness({ launcher });
    const seen: string[] = [];
    for (const name of ["run.created", "run.started", "run.failed", "run.finished"] as const) {
      harness.service.events.on(name, (run: RunRecord) => seen.push(`${name}:${run.status}`));
    }
    await submitModel();
    await writeOutput(
      harness.storage,
      launcher.last,
      outputFor(launcher.last, "failed_validation"),
    );
    await harness.post(callbackFor(launcher.last));
    expect(seen).toEqual([
      "run.created:PENDING",
      "run.started:RUNNING",
      "run.failed:FAILED",
      "run.finished:FAILED",
    ]);
  });

  it("waitForRun settles when the callback lands, and times out with a code otherwise", async () => {
    const launcher = new RecordingLauncher();
    harness = await startHarness({ launcher });
    const run = await submitModel();
    const waiting = harness.service.waitForRun(run.id, { timeoutMs: 10_000 });
    await expect(harness.service.waitForRun(run.id, { timeoutMs: 50 })).rejects.toMatchObject({
      code: "wait_timeout",
    });
    await writeOutput(harness.storage, launcher.last, outputFor(launcher.last, "success"));
    await harness.post(callbackFor(launcher.last, "success"));
    expect((await waiting).status).toBe("SUCCEEDED");
    const aborter = new AbortController();
    const other = await submitModel();
    const aborted = harness.service.waitForRun(other.id, { signal: aborter.signal });
    aborter.abort();
    await expect(aborted).rejects.toMatchObject({ code: "wait_aborted" });
    await expect(harness.service.waitForRun("missing")).rejects.toMatchObject({
      code: "run_not_found",
    });
  });

  it("cancel asks the launcher to stop the execution and ends the run CANCELED", async () => {
    const launcher = new RecordingLauncher();
    harness = await startHarness({ launcher });
    const run = await submitModel();
    const canceled = await harness.service.cancel(run.id);
    expect(canceled.status).toBe("CANCELED");
    expect(launcher.cancelled).toEqual([`exec-${run.current_attempt_id}`]);
    await expect(harness.service.cancel(run.id)).rejects.toMatchObject({
      code: "run_not_cancellable",
    });
    await expect(harness.service.cancel("missing")).rejects.toMatchObject({
      code: "run_not_found",
    });
  });

  it("lists runs newest first, by status, page by page", async () => {
    const launcher = new RecordingLauncher();
    let clock = Date.parse("2026-01-01T00:00:00Z");
    const tick = () => {
      clock += 1000;
      return new Date(clock);
    };
    harness = await startHarness({ launcher, service: { now: tick } });
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) ids.push((await submitModel()).id);
    await harness.service.cancel(ids[1] as string);
    const first = await harness.service.listRuns({ limit: 2 });
    const second = await harness.service.listRuns({
      limit: 2,
      cursor: first.next_cursor as string,
    });
    const third = await harness.service.listRuns({
      limit: 2,
      cursor: second.next_cursor as string,
    });
    expect([...first.items, ...second.items, ...third.items].map((r) => r.id)).toEqual(
      [...ids].reverse(),
    );
    expect(third.next_cursor).toBeNull();
    expect((await harness.service.listRuns({ status: "CANCELED" })).items.map((r) => r.id)).toEqual(
      [ids[1]],
    );
  });
});
