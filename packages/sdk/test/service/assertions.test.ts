import { afterEach, describe, expect, it } from "vitest";
import { countResults } from "../../src/assertions";
import { MockLauncher } from "../../src/launchers/mock-launcher";
import { ENERGYPLUS, type Harness, SAMPLE_IDF, startHarness, WORKER_KEY } from "./harness";

const files = [{ port_key: "primary_model", name: "model.idf", body: SAMPLE_IDF }];

describe("rulesets through the service (mock launcher, real HTTP callback)", () => {
  let harness: Harness;
  afterEach(async () => harness?.close());

  async function start() {
    harness = await startHarness({
      launcher: new MockLauncher({
        delayMs: 10,
        delivery: { http: { workerKey: WORKER_KEY } },
        failRate: 0,
      }),
    });
    return harness.service;
  }

  it("refuses an invalid ruleset with ruleset_invalid naming assertion, field and position", async () => {
    const service = await start();
    await expect(
      service.submit({
        validatorId: ENERGYPLUS.id,
        files,
        ruleset: { id: "r", assertions: [{ id: "bad", cel: "inputs.x +" }] },
      }),
    ).rejects.toMatchObject({
      code: "ruleset_invalid",
      message: expect.stringMatching(/assertion bad, field cel \(line 1, column/),
    });
    expect((await harness.store.listRuns()).items).toHaveLength(0);
  });

  it("an input-stage ERROR failure ends the run unlaunched with its finding", async () => {
    const service = await start();
    const run = await service.submit({
      validatorId: ENERGYPLUS.id,
      inputs: { timestep_per_hour: 6 },
      files,
      ruleset: {
        id: "guard",
        assertions: [
          {
            id: "steps",
            stage: "input",
            cel: "inputs.timestep_per_hour <= 4",
            message: "timestep {{ value }} too fine",
          },
        ],
      },
    });
    expect(run).toMatchObject({
      status: "FAILED",
      error_category: "VALIDATION_FAILED",
      attempt_count: 0,
    });
    const findings = await harness.store.listFindings(run.id);
    expect(findings).toEqual([
      expect.objectContaining({
        code: "assertion.failed",
        severity: "ERROR",
        message: "timestep 6 too fine",
        tags: ["assertion:steps", "ruleset:guard"],
        location: expect.objectContaining({ path: "inputs.timestep_per_hour <= 4" }),
      }),
    ]);
    const view = await service.getRun(run.id);
    expect(countResults(view?.assertion_results ?? [])).toEqual({
      passed: 0,
      failed: 1,
      skipped: 0,
      errored: 0,
    });
    expect(view?.ruleset_sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it("an output-stage ERROR failure turns SUCCEEDED into FAILED / VALIDATION_FAILED", async () => {
    const service = await start();
    const run = await service.submit({
      validatorId: ENERGYPLUS.id,
      files,
      ruleset: {
        id: "out",
        assertions: [
          { id: "ok-status", target: "status", operator: "eq", value: "success" },
          { id: "never", cel: "size(metrics) == 0" },
          { id: "skipped", cel: "false", when: "status == 'nope'" },
        ],
      },
    });
    const done = await service.waitForRun(run.id, { timeoutMs: 10_000 });
    expect(done).toMatchObject({
      status: "FAILED",
      error_category: "VALIDATION_FAILED",
      result_status: "success",
    });
    const view = await service.getRun(run.id);
    expect(countResults(view?.assertion_results ?? [])).toEqual({
      passed: 1,
      failed: 1,
      skipped: 1,
      errored: 0,
    });
    const codes = (await harness.store.listFindings(run.id)).map((f) => f.code);
    expect(codes).toContain("assertion.failed");
  });
});
