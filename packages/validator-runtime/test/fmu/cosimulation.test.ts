import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { FMUOutputs } from "@validibot/contracts";
import { describe, expect, it } from "vitest";
import { buildTestFmu } from "./build-test-fmu";
import { runCore, tempDirs } from "./helpers/run-core";

const newDir = tempDirs("fmu-cosim");

/** x(t) of dx/dt = (u - x) / tau from x0 at t0. */
const exact = (t: number, u: number, tau: number, x0: number, t0 = 0) =>
  u + (x0 - u) * Math.exp(-(t - t0) / tau);

function parseCsv(text: string): { header: string[]; rows: string[][] } {
  const [header, ...rows] = text
    .trimEnd()
    .split("\n")
    .map((line) => line.split(","));
  return { header: header ?? [], rows };
}

describe.each([2, 3] as const)("an FMI %s.0 first-order lag, co-simulated", (fmiVersion) => {
  it("matches the analytic solution at every communication point, with inputs and tolerance honoured", async () => {
    const dir = await newDir();
    const fmu = await buildTestFmu({ fmiVersion, dir });
    const u = 2;
    const tau = 0.5;
    const x0 = 0.25;
    const run = await runCore(fmu.path, dir, {
      input_values: { u, tau, x0 },
      simulation: { start_time: 0, stop_time: 2, step_size: 0.01, tolerance: 1e-6 },
    });

    expect(run.status).toBe("success");
    expect(run.reports.findings.filter((f) => f.severity !== "INFO")).toEqual([]);
    expect(run.codes).toContain("fmu.simulation_completed");

    const csv = parseCsv(await readFile(join(run.outputsDir, "timeseries.csv"), "utf8"));
    expect(csv.header).toEqual(["time", "x", "steps", "halfway"]);
    expect(csv.rows).toHaveLength(201);
    const halfwayAt = tau * Math.LN2;
    csv.rows.forEach((row, k) => {
      const t = Number(row[0]);
      expect(t).toBeCloseTo(k * 0.01, 12);
      expect(Math.abs(Number(row[1]) - exact(t, u, tau, x0))).toBeLessThan(1e-9);
      expect(Number(row[2])).toBe(k);
      if (Math.abs(t - halfwayAt) > 1e-6) expect(row[3]).toBe(t > halfwayAt ? "1" : "0");
    });
    expect(Number(csv.rows.at(-1)?.[0])).toBe(2);

    const outputs = FMUOutputs.parse(run.outputs);
    expect(outputs.fmi_version).toBe(`${fmiVersion}.0`);
    expect(outputs.fmu_guid).toBe(fmu.guid);
    expect(outputs.model_name).toBe(fmiVersion === 2 ? "FirstOrder" : "FirstOrder3");
    expect(outputs.simulation_time_reached).toBe(2);
    expect(outputs.execution_seconds).toBeGreaterThan(0);
    expect(outputs.output_values.steps).toBe(200);
    expect(outputs.output_values.halfway).toBe(true);
    expect(Math.abs((outputs.output_values.x as number) - exact(2, u, tau, x0))).toBeLessThan(1e-9);
    expect(outputs.fmu_log).toContain("setup: tolerance defined 1e-06, start 0, stop defined 2");
    expect(outputs.fmu_log).toContain("terminated");
    expect(outputs.fmu_log).toContain(
      fmiVersion === 2 ? "resources at file:///" : "resources at /",
    );

    const metric = (name: string) => run.reports.metrics.find((m) => m.name === name);
    expect(metric("x")?.unit).toBe("K");
    expect(metric("x")?.value).toBeCloseTo(exact(2, u, tau, x0), 9);
    expect(metric("halfway")?.value).toBe(1);
    expect(metric("fmu.steps")?.value).toBe(200);
    expect(metric("fmu.simulated_time")?.value).toBe(2);
    expect(run.reports.artifacts).toEqual([
      expect.objectContaining({
        name: "timeseries.csv",
        path: join(run.outputsDir, "timeseries.csv"),
        type: "timeseries-csv",
      }),
    ]);
  });

  it("records the requested variables only, clips the last step to the stop time and starts late when asked", async () => {
    const dir = await newDir();
    const fmu = await buildTestFmu({ fmiVersion, dir });
    const run = await runCore(fmu.path, dir, {
      input_values: { u: 1, label: 'a, "quoted" label' },
      simulation: { start_time: 1, stop_time: 1.25, step_size: 0.1 },
      output_variables: ["x", "label"],
    });

    expect(run.status).toBe("success");
    const text = await readFile(join(run.outputsDir, "timeseries.csv"), "utf8");
    const lines = text.trimEnd().split("\n");
    expect(lines[0]).toBe("time,x,label");
    expect(lines.map((line) => line.split(",")[0])).toEqual(["time", "1", "1.1", "1.2", "1.25"]);
    expect(lines[1]).toBe('1,0,"a, ""quoted"" label"');
    const outputs = FMUOutputs.parse(run.outputs);
    expect(Object.keys(outputs.output_values)).toEqual(["x", "label"]);
    expect(outputs.output_values.label).toBe('a, "quoted" label');
    expect(outputs.output_values.x as number).toBeCloseTo(exact(1.25, 1, 1, 0, 1), 12);
    expect(outputs.simulation_time_reached).toBe(1.25);
    expect(outputs.fmu_log).toContain("tolerance undefined");
  });
});

describe("packaging quirks that still run", () => {
  it("an FMU zipped with backslash paths is warned about, unpacked into folders and co-simulated", async () => {
    const dir = await newDir();
    const plain = await buildTestFmu({ fmiVersion: 2, dir, fileName: "plain.fmu" });
    const fmu = await buildTestFmu({
      fmiVersion: 2,
      dir,
      omitBinary: true,
      extraEntries: [
        { name: "binaries\\linux64\\FirstOrder.so", data: await readFile(plain.sharedLibrary) },
      ],
    });
    const run = await runCore(fmu.path, dir, { simulation: { stop_time: 0.1, step_size: 0.05 } });

    expect(run.status).toBe("success");
    const warning = run.reports.findings.find((f) => f.code === "fmu.zip_backslash_path");
    expect(warning?.severity).toBe("WARNING");
    expect(warning?.location?.path).toBe("binaries\\linux64\\FirstOrder.so");
    expect(FMUOutputs.parse(run.outputs).output_values.steps).toBe(2);
  });
});

describe("FMI 3 early termination", () => {
  it("stops where the FMU asks and says so", async () => {
    const dir = await newDir();
    const fmu = await buildTestFmu({ fmiVersion: 3, dir, terminateAtStep: 5 });
    const run = await runCore(fmu.path, dir, {
      simulation: { start_time: 0, stop_time: 1, step_size: 0.1 },
    });

    expect(run.status).toBe("success");
    expect(run.codes).toContain("fmu.terminated_early");
    expect(FMUOutputs.parse(run.outputs).simulation_time_reached).toBeCloseTo(0.5, 12);
    const rows = (await readFile(join(run.outputsDir, "timeseries.csv"), "utf8"))
      .trimEnd()
      .split("\n");
    expect(rows).toHaveLength(1 + 6);
  });
});

describe("FMI 2 early termination (fmi2Discard + fmi2Terminated)", () => {
  it("ends terminated_early at the last successful time, with the values reached", async () => {
    const dir = await newDir();
    const fmu = await buildTestFmu({ fmiVersion: 2, dir, terminateAtStep: 5 });
    const run = await runCore(fmu.path, dir, {
      input_values: { u: 2, tau: 0.5, x0: 0 },
      simulation: { start_time: 0, stop_time: 1, step_size: 0.1 },
    });

    expect(run.status).toBe("success");
    expect(run.codes).toContain("fmu.terminated_early");
    expect(run.codes).not.toContain("fmu.dostep_error");
    const outputs = FMUOutputs.parse(run.outputs);
    expect(outputs.simulation_time_reached).toBeCloseTo(0.4, 12);
    expect(outputs.output_values.steps).toBe(4);
    expect(Math.abs((outputs.output_values.x as number) - exact(0.4, 2, 0.5, 0))).toBeLessThan(
      1e-9,
    );
    const rows = (await readFile(join(run.outputsDir, "timeseries.csv"), "utf8"))
      .trimEnd()
      .split("\n");
    expect(rows).toHaveLength(1 + 5);
  });
});

describe("recorded columns and message texts", () => {
  it("records the independent variable once, even when output_variables names it", async () => {
    const dir = await newDir();
    const fmu = await buildTestFmu({ fmiVersion: 2, dir });
    const run = await runCore(fmu.path, dir, {
      output_variables: ["time", "x", "x"],
      simulation: { start_time: 0, stop_time: 0.1, step_size: 0.05 },
    });
    expect(run.status).toBe("success");
    const header = (await readFile(join(run.outputsDir, "timeseries.csv"), "utf8")).split("\n")[0];
    expect(header).toBe("time,x");
  });

  it("strips control characters (a raw NUL) from finding texts", async () => {
    const dir = await newDir();
    const fmu = await buildTestFmu({ fmiVersion: 2, dir });
    const run = await runCore(fmu.path, dir, { output_variables: ["no\u0000such\u001b[2J"] });
    const finding = run.reports.findings.find((f) => f.code === "fmu.unknown_output");
    expect(finding?.text).toContain("nosuch[2J");
    expect([...(finding?.text ?? "")].filter((c) => c < " " || c === "\u007f")).toEqual([]);
  });
});
