import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callbackFor, outputFor, SAMPLE_MESSAGES, writeOutput } from "./act-as-validator";
import { ENERGYPLUS, type Harness, SAMPLE_IDF, startHarness } from "./harness";
import { RecordingLauncher } from "./recording-launcher";

const launcher = new RecordingLauncher();
let harness: Harness;
beforeAll(async () => {
  harness = await startHarness({ launcher });
});
afterAll(async () => harness.close());

async function answeredRun(status: "success" | "failed_validation" = "failed_validation") {
  const run = await harness.service.submit({
    validatorId: ENERGYPLUS.id,
    files: [{ port_key: "primary_model", name: "model.idf", body: SAMPLE_IDF }],
  });
  const request = launcher.last;
  await writeOutput(harness.storage, request, outputFor(request, status));
  return { run, request };
}

describe("duplicate and concurrent callbacks", () => {
  it("50 identical callbacks at once: exactly one processes, findings are not doubled", async () => {
    const { run, request } = await answeredRun();
    const answers = await Promise.all(
      Array.from({ length: 50 }, () => harness.post(callbackFor(request))),
    );
    const accepted = answers.filter((a) => a.status === 200 && a.body.status === "accepted");
    expect(accepted).toHaveLength(1);
    for (const answer of answers) {
      const ok =
        (answer.status === 200 &&
          ["accepted", "idempotent_replayed", "late_callback_ignored"].includes(
            answer.body.status as string,
          )) ||
        (answer.status === 409 && answer.body.code === "callback_in_progress");
      expect(ok, JSON.stringify(answer)).toBe(true);
    }
    const findings = await harness.service.listFindings(run.id);
    expect(findings).toHaveLength(SAMPLE_MESSAGES.length);
    expect(await harness.store.listMetrics(run.id)).toHaveLength(1);
  });

  it("the same callback again after it was processed: 200 idempotent_replayed, nothing changes", async () => {
    const { run, request } = await answeredRun();
    expect((await harness.post(callbackFor(request))).body).toEqual({ status: "accepted" });
    const before = await harness.service.getRun(run.id);
    expect((await harness.post(callbackFor(request))).body).toEqual({
      status: "idempotent_replayed",
    });
    expect(await harness.service.getRun(run.id)).toEqual(before);
    expect(await harness.service.listFindings(run.id)).toHaveLength(SAMPLE_MESSAGES.length);
  });

  it("a callback for a run that has already ended (cancelled): 200 late_callback_ignored", async () => {
    const { run, request } = await answeredRun("success");
    await harness.service.cancel(run.id);
    expect((await harness.post(callbackFor(request, "success"))).body).toEqual({
      status: "late_callback_ignored",
    });
    const after = await harness.service.getRun(run.id);
    expect(after?.status).toBe("CANCELED");
    expect(after?.result_status).toBeNull();
  });

  it("keeps every field of every finding: severity, code, text, location, tags, order", async () => {
    const { run, request } = await answeredRun();
    await harness.post(callbackFor(request));
    const findings = await harness.service.listFindings(run.id);
    expect(findings.map(({ id: _id, ...rest }) => rest)).toEqual([
      {
        severity: "ERROR",
        code: "energyplus.severe",
        message: 'GetSurfaceData: Surface="ZN1_WALL" has zero area',
        location: {
          file_role: "primary-model",
          line: 412,
          column: 3,
          path: "BuildingSurface:Detailed/ZN1_WALL",
        },
        tags: ["geometry", "blocking"],
      },
      {
        severity: "WARNING",
        code: "energyplus.warning",
        message: "CheckUsedConstructions: 2 unused",
        location: null,
        tags: [],
      },
      { severity: "INFO", code: null, message: "EnergyPlus Completed", location: null, tags: [] },
    ]);
    expect(await harness.service.getRun(run.id)).toMatchObject({
      status: "FAILED",
      error_category: "VALIDATION_FAILED",
      result_status: "failed_validation",
    });
  });

  it.each([
    ["success", "SUCCEEDED", null],
    ["failed_validation", "FAILED", "VALIDATION_FAILED"],
    ["failed_runtime", "FAILED", "RUNTIME_ERROR"],
    ["cancelled", "CANCELED", null],
  ] as const)("maps the validator's %s to %s", async (status, runStatus, category) => {
    const run = await harness.service.submit({
      validatorId: ENERGYPLUS.id,
      files: [{ port_key: "primary_model", name: "model.idf", body: SAMPLE_IDF }],
    });
    const request = launcher.last;
    await writeOutput(harness.storage, request, outputFor(request, status));
    expect((await harness.post(callbackFor(request, status))).body).toEqual({ status: "accepted" });
    expect(await harness.service.getRun(run.id)).toMatchObject({
      status: runStatus,
      error_category: category,
      result_status: status,
    });
  });
});
