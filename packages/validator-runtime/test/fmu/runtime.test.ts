import { readFile } from "node:fs/promises";
import { FMUOutputEnvelope } from "@validibot/contracts";
import { runAttempt, silentLogger } from "@validibot/validator-runtime";
import fmuValidator from "@validibot/validator-runtime/fmu";
import { describe, expect, it } from "vitest";
import { createTestBundle } from "../support/bundle";
import { runCli } from "../support/cli-process";
import { buildTestFmu } from "./build-test-fmu";
import { tempDirs } from "./helpers/run-core";

const newDir = tempDirs("fmu-runtime");

describe("the FMU validator under the runtime", () => {
  it("runAttempt: stages the FMU, co-simulates it and writes a typed FMU output envelope with the CSV artifact", async () => {
    const dir = await newDir();
    const fmu = await buildTestFmu({ fmiVersion: 2, dir });
    const bundle = await createTestBundle({
      validatorType: "FMU",
      files: [
        {
          port_key: "fmu",
          name: "first-order.fmu",
          content: await readFile(fmu.path),
          mime_type: "application/vnd.fmi.fmu",
          role: "fmu",
        },
      ],
      inputs: { input_values: { u: 3 }, simulation: { stop_time: 1, step_size: 0.1 } },
    });

    const outcome = await runAttempt(fmuValidator, {
      args: [bundle.inputUri],
      env: { PATH: process.env.PATH },
      handleSignals: false,
      log: silentLogger,
    });

    expect(outcome.error).toBeNull();
    expect(outcome.status).toBe("success");
    const output = FMUOutputEnvelope.parse(JSON.parse(await bundle.readText("output.json")));
    expect(output.validator.type).toBe("FMU");
    expect(output.outputs?.fmu_guid).toBe(fmu.guid);
    expect(output.outputs?.output_values.x as number).toBeCloseTo(3 * (1 - Math.exp(-1)), 12);
    expect(output.outputs?.simulation_time_reached).toBe(1);
    expect(output.metrics.find((m) => m.name === "x")?.unit).toBe("K");
    const artifact = output.artifacts.find((a) => a.name === "timeseries.csv");
    expect(artifact?.type).toBe("timeseries-csv");
    expect(await bundle.has("outputs/timeseries.csv")).toBe(true);
    const csv = await bundle.readText("outputs/timeseries.csv");
    expect(csv.split("\n")[0]).toBe("time,x,steps,halfway");
    expect(csv.trimEnd().split("\n")).toHaveLength(12);
  });

  it("validibot-validator try fmu: prints the findings and metrics of an FMI 3 unit and exits 0", async () => {
    const dir = await newDir();
    const fmu = await buildTestFmu({ fmiVersion: 3, dir });
    const result = await runCli([
      "try",
      "fmu",
      "--file",
      `fmu=${fmu.path}`,
      "--inputs",
      JSON.stringify({ input_values: { u: 2 }, simulation: { stop_time: 1, step_size: 0.25 } }),
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("FMU validator 0.1.0");
    expect(result.stdout).toMatch(
      /^INFO +fmu\.simulation_completed +- +Co-simulated from 0 to 1 in 4 steps\.$/m,
    );
    expect(result.stdout).toMatch(/^x +1\.264241117657115\d* +K$/m);
    expect(result.stdout).toContain("Status: success");
  });

  it("validibot-validator try fmu: a segfaulting unit is failed_runtime, and the CLI reports it and exits normally", async () => {
    const dir = await newDir();
    const fmu = await buildTestFmu({ fmiVersion: 2, dir, crashAtStep: 2 });
    const result = await runCli(["try", "fmu", "--file", `fmu=${fmu.path}`]);
    expect(result.code).toBe(1);
    expect(result.signal).toBeNull();
    expect(result.stdout).toMatch(
      /^ERROR +fmu\.crashed +- +The FMU's process was killed by SIGSEGV/m,
    );
    expect(result.stdout).toContain("Status: failed_runtime");
  });
});
