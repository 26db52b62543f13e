import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { FMUOutputs } from "@validibot/contracts";
import { describe, expect, it } from "vitest";
import { buildTestFmu } from "./build-test-fmu";
import { runCore, tempDirs } from "./helpers/run-core";

const newDir = tempDirs("fmu-fail");

describe("an FMU that fails while co-simulating", () => {
  it("segfaulting in DoStep is reported as a crash, and the calling process lives on", async () => {
    const dir = await newDir();
    const fmu = await buildTestFmu({ fmiVersion: 2, dir, crashAtStep: 3 });
    const run = await runCore(fmu.path, dir, { simulation: { stop_time: 1, step_size: 0.1 } });

    expect(run.status).toBe("failed_runtime");
    const crash = run.reports.findings.find((f) => f.code === "fmu.crashed");
    expect(crash?.severity).toBe("ERROR");
    expect(crash?.text).toContain("SIGSEGV");
    const outputs = FMUOutputs.parse(run.outputs);
    expect(outputs.fmu_log).toContain("instantiated");
    expect(outputs.output_values).toEqual({});
  });

  it.each([
    2, 3,
  ] as const)("FMI %s.0: DoStep returning an error is fmu.dostep_error naming the time", async (fmiVersion) => {
    const dir = await newDir();
    const fmu = await buildTestFmu({ fmiVersion, dir, errorAtStep: 4 });
    const run = await runCore(fmu.path, dir, { simulation: { stop_time: 1, step_size: 0.1 } });

    expect(run.status).toBe("failed_runtime");
    const error = run.reports.findings.find((f) => f.code === "fmu.dostep_error");
    expect(error?.severity).toBe("ERROR");
    expect(error?.text).toContain(`fmi${fmiVersion}Error`);
    expect(error?.text).toContain("t=0.3");
    const outputs = FMUOutputs.parse(run.outputs);
    expect(outputs.simulation_time_reached).toBeCloseTo(0.3, 12);
    expect(outputs.fmu_log).toContain("the model refuses this step");
    const rows = (await readFile(join(run.outputsDir, "timeseries.csv"), "utf8"))
      .trimEnd()
      .split("\n");
    expect(rows).toHaveLength(1 + 4);
    expect(run.reports.artifacts.map((a) => a.name)).toEqual(["timeseries.csv"]);
  });

  it("a status error in initialization is fmu.initialization_failed", async () => {
    const dir = await newDir();
    const fmu = await buildTestFmu({ fmiVersion: 3, dir });
    const run = await runCore(fmu.path, dir, { input_values: { tau: -1 } });

    expect(run.status).toBe("failed_runtime");
    const failure = run.reports.findings.find((f) => f.code === "fmu.initialization_failed");
    expect(failure?.text).toContain("fmi3ExitInitializationMode returned fmi3Error");
    expect(FMUOutputs.parse(run.outputs).fmu_log).toContain("tau must be positive");
  });

  it("a DoStep that never returns is killed at the timeout", async () => {
    const dir = await newDir();
    const fmu = await buildTestFmu({ fmiVersion: 2, dir, hangAtStep: 1 });
    const run = await runCore(fmu.path, dir, {}, { timeoutMs: 1000 });

    expect(run.status).toBe("failed_runtime");
    expect(run.codes).toContain("fmu.timeout");
  });

  it("a cancelled attempt kills the running co-simulation", async () => {
    const dir = await newDir();
    const fmu = await buildTestFmu({ fmiVersion: 3, dir, hangAtStep: 1 });
    const controller = new AbortController();
    const pending = runCore(fmu.path, dir, {}, { signal: controller.signal });
    await waitForFmuLog(join(dir, "scratch"), "setup:");
    controller.abort();
    const run = await pending;

    expect(run.status).toBe("cancelled");
    expect(run.codes).toContain("fmu.cancelled");
    expect(run.codes).not.toContain("fmu.timeout");
  });
});

/** Waits until the worker's FMU log in `scratchDir` holds `text` (the FMU is running). */
async function waitForFmuLog(scratchDir: string, text: string): Promise<void> {
  for (;;) {
    const logs = (await readdir(scratchDir).catch(() => [])).filter((name) =>
      name.endsWith(".log"),
    );
    for (const log of logs) {
      if ((await readFile(join(scratchDir, log), "utf8")).includes(text)) return;
    }
    await sleep(50);
  }
}
