import { readdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { EnergyPlusInputs, EnergyPlusOutputs } from "@validibot/contracts";
import type { FindingInput } from "@validibot/validator-runtime";
import {
  collectReport,
  localProcessRunner,
  validateEnergyPlusModel,
} from "@validibot/validator-runtime/energyplus";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { STAND_IN_RESULTS } from "./fixtures/stand-in/eplusout-sql.mjs";
import { tempDir } from "./helpers";
import { installStandIn, modelFor } from "./stand-in";

const GJ = 1e9 / 3.6e6;
let standIn: Awaited<ReturnType<typeof installStandIn>>;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  standIn = await installStandIn();
});
afterAll(() => standIn.remove());
afterEach(async () => {
  delete process.env.FAKE_ENERGYPLUS_VERSION;
  while (cleanups.length > 0) await cleanups.pop()?.();
});

interface RunOptions {
  scenario?: string;
  inputs?: Record<string, unknown>;
  weather?: boolean;
  env?: NodeJS.ProcessEnv;
  deadline?: Date;
}

async function run(file: string, options: RunOptions = {}) {
  const { dir, remove } = await tempDir();
  cleanups.push(remove);
  const modelPath = await modelFor(join(dir, "staged"), file, options.scenario);
  let weatherPath: string | null = null;
  if (options.weather !== false) {
    weatherPath = join(dir, "staged", "chicago.epw");
    await writeFile(
      weatherPath,
      "LOCATION,Chicago Ohare Intl Ap,IL,USA,TMY3,725300,41.98,-87.92,-6.0,201.0\n",
    );
  }
  const reporter = collectReport();
  const scratchDir = join(dir, "scratch");
  const outputsDir = join(dir, "outputs");
  const result = await validateEnergyPlusModel({
    modelPath,
    weatherPath,
    inputs: EnergyPlusInputs.parse(options.inputs ?? {}),
    scratchDir,
    outputsDir,
    runner: localProcessRunner({
      cwd: dir,
      ...(options.deadline ? { deadline: options.deadline } : {}),
    }),
    reporter,
    env: options.env ?? standIn.env,
    ...(options.deadline ? { deadline: options.deadline } : {}),
  });
  // Whatever happened, the typed outputs satisfy the contract.
  expect(EnergyPlusOutputs.parse(result.outputs)).toEqual(result.outputs);
  const invocation = async () =>
    JSON.parse(await readFile(join(outputsDir, "stand-in-invocation.json"), "utf8")) as {
      args: string[];
    };
  return { ...result, reporter, modelPath, weatherPath, scratchDir, outputsDir, invocation };
}

const codes = (findings: FindingInput[]) => findings.map((f) => f.code);

describe("a simulation that completes", () => {
  it("runs the binary with the real CLI flags on a working copy, and reports outputs, metrics and artifacts", async () => {
    const r = await run("clean-office.idf");
    expect(r.status).toBe("success");
    const { args } = await r.invocation();
    // Beside the staged model, so relative Schedule:File paths resolve as they would for the original.
    const workingCopy = join(dirname(r.modelPath), "validibot-run-clean-office.idf");
    expect(args).toEqual([
      "--output-directory",
      r.outputsDir,
      "--weather",
      r.weatherPath,
      "--readvars",
      workingCopy,
    ]);

    const copy = await readFile(workingCopy, "utf8");
    expect(copy).toContain("! A small single-zone office with no known problems");
    expect(copy.match(/^Timestep,/gm)).toHaveLength(1);
    expect(copy).toMatch(/Timestep,\n\s+4;/);
    expect(copy).toMatch(/Output:SQLite,\n\s+SimpleAndTabular;/);
    expect(copy).toMatch(
      /Output:Table:SummaryReports,\n\s+ZoneComponentLoadSummary,\s+!- Report 1 Name\n\s+AllSummary;/,
    );
    expect(await readFile(r.modelPath, "utf8")).toContain(
      "    6;                       !- Number of Timesteps per Hour",
    );

    expect(r.outputs).toMatchObject({
      energyplus_returncode: 0,
      invocation_mode: "cli",
      completed_successfully: true,
      warning_count: 4,
      severe_count: 0,
      fatal_count: 0,
      review_issue_count: 0,
      idf_version: "24.1",
      energyplus_binary_version: "24.1.0",
      energyplus_binary_build: "9d7789a3ac",
      idd_version: "24.1.0",
      idd_build: "9d7789a3ac",
      idd_path: join(standIn.binDir, "Energy+.idd"),
      version_match: true,
      has_sql_output: true,
      has_err_output: true,
      has_csv_output: true,
      has_eso_output: true,
      outputs: {
        eplusout_sql: "eplusout.sql",
        eplusout_err: "eplusout.err",
        eplusout_csv: "eplusout.csv",
        eplusout_eso: "eplusout.eso",
      },
    });
    expect(r.outputs.execution_seconds).toBeGreaterThan(0);
    expect(r.outputs.logs?.err_tail).toContain(
      "EnergyPlus Completed Successfully-- 4 Warning; 0 Severe Errors",
    );
    expect(r.outputs.logs?.stdout_tail).toContain("EnergyPlus Starting");

    const s = STAND_IN_RESULTS;
    const m = r.outputs.metrics;
    expect(m.site_electricity_kwh).toBeCloseTo(54.2 * GJ, 0);
    expect(m.site_natural_gas_kwh).toBeCloseTo(32 * GJ, 0);
    expect(m.site_district_cooling_kwh).toBeCloseTo(4 * GJ, 0);
    expect(m.site_district_heating_kwh).toBeCloseTo(3 * GJ, 0);
    expect(m.site_other_fuels_kwh).toBeCloseTo(0.75 * GJ, 0);
    expect(m.site_eui_kwh_m2).toBeCloseTo((93.95 * GJ) / s.totalBuildingAreaM2, 0);
    expect(m.heating_energy_kwh).toBeCloseTo(30.5 * GJ, 0);
    expect(m.cooling_energy_kwh).toBeCloseTo(16.5 * GJ, 0);
    expect(m.interior_lighting_kwh).toBeCloseTo(20 * GJ, 0);
    expect(m.fans_energy_kwh).toBeCloseTo(5 * GJ, 0);
    expect(m.pumps_energy_kwh).toBeCloseTo(1.2 * GJ, 0);
    expect(m.water_systems_kwh).toBeCloseTo(5.75 * GJ, 0);
    expect(m.window_heat_gain_kwh).toBeCloseTo(10.8 * GJ, 0);
    expect(m.window_heat_loss_kwh).toBeCloseTo(7.2 * GJ, 0);
    // From the output variable at one frequency (Run Period), not summed across frequencies.
    expect(m.window_transmitted_solar_kwh).toBeCloseTo(7.2e9 / 3.6e6, 3);
    expect(m.peak_electric_demand_w).toBeCloseTo(s.peakElectricW, 2);
    expect(m.unmet_heating_hours).toBe(s.unmetHeatingHours);
    expect(m.unmet_cooling_hours).toBe(s.unmetCoolingHours);
    expect(m.simulated_conditioned_area_m2).toBeCloseTo(s.conditionedAreaM2, 2);

    const electricity = r.reporter.metrics.find((x) => x.name === "site_electricity_kwh");
    expect(electricity).toMatchObject({ unit: "kWh", category: "site_energy" });
    expect(r.reporter.metrics.find((x) => x.name === "peak_electric_demand_w")).toMatchObject({
      unit: "W",
      category: "demand",
    });
    expect(r.reporter.metrics).toHaveLength(19);

    expect(r.reporter.artifacts.map((a) => [a.name, a.type])).toEqual([
      ["eplusout.sql", "energyplus-sql"],
      ["eplusout.err", "energyplus-err"],
      ["eplustbl.htm", "energyplus-tables-html"],
      ["eplustbl.csv", "energyplus-tables-csv"],
      ["eplusout.csv", "timeseries-csv"],
    ]);
    expect(r.reporter.artifacts.every((a) => a.path.startsWith(r.outputsDir))).toBe(true);
  });

  it("turns eplusout.err warnings into findings located at the model objects they name", async () => {
    const r = await run("clean-office.idf");
    expect(
      r.reporter.findings.map((f) => [f.severity, f.code, f.location?.path, f.location?.line]),
    ).toEqual([
      ["WARNING", "energyplus.warning", null, 2],
      ["WARNING", "energyplus.warning", "BuildingSurface:Detailed/Office Wall South", 82],
      ["WARNING", "energyplus.warning", "Zone/Office", 73],
      ["WARNING", "energyplus.warning", "Zone/Office", 73],
    ]);
    expect(r.reporter.findings[0]?.location?.file_role).toBe("eplusout.err");
    expect(r.reporter.findings[1]?.location?.file_role).toBe("primary-model");
    expect(r.reporter.findings[2]?.text).toContain("(occurred 42 times)");
    expect(r.reporter.findings[2]?.tags).toContain("recurring");
  });

  it("fails validation when EnergyPlus reports severe errors, even though it completed", async () => {
    const r = await run("clean-office.idf", { scenario: "severe" });
    expect(r.status).toBe("failed_validation");
    expect(r.outputs).toMatchObject({
      energyplus_returncode: 0,
      completed_successfully: true,
      severe_count: 2,
      warning_count: 2,
    });
    const severe = r.reporter.findings.filter((f) => f.code === "energyplus.severe");
    expect(severe.map((f) => [f.severity, f.location?.path, f.location?.line])).toEqual([
      ["ERROR", "Zone/Office", 73],
      ["ERROR", "Zone/Office", 73],
    ]);
    expect(r.outputs.has_sql_output).toBe(true);
  });

  it("simulates an epJSON working copy with the same edits made in JSON, and shortens the run period", async () => {
    const r = await run("clean-office.epJSON", {
      inputs: { timestep_per_hour: 12, run_period_days: 7 },
    });
    expect(r.status).toBe("success");
    const { args } = await r.invocation();
    const workingCopy = args.at(-1) ?? "";
    expect(workingCopy).toBe(join(dirname(r.modelPath), "validibot-run-clean-office.epJSON"));
    const doc = JSON.parse(await readFile(workingCopy, "utf8"));
    expect(doc.Timestep).toEqual({ "Timestep 1": { number_of_timesteps_per_hour: 12 } });
    expect(doc["Output:SQLite"]).toEqual({
      "Output:SQLite 1": { option_type: "SimpleAndTabular" },
    });
    expect(doc["Output:Table:SummaryReports"]["Output:Table:SummaryReports 1"].reports).toEqual([
      { report_name: "ZoneComponentLoadSummary" },
      { report_name: "AllSummary" },
    ]);
    expect(doc.RunPeriod.Annual).toMatchObject({
      begin_month: 1,
      begin_day_of_month: 1,
      end_month: 1,
      end_day_of_month: 7,
    });
  });
});

describe("a simulation that fails", () => {
  it("reports a fatal error as a failed validation with its counts", async () => {
    const r = await run("clean-office.idf", { scenario: "fatal" });
    expect(r.status).toBe("failed_validation");
    expect(r.outputs).toMatchObject({
      energyplus_returncode: 1,
      completed_successfully: false,
      fatal_count: 1,
      severe_count: 2,
      warning_count: 0,
      has_sql_output: false,
    });
    expect(codes(r.reporter.findings)).toEqual([
      "energyplus.severe",
      "energyplus.severe",
      "energyplus.fatal",
    ]);
    expect(r.reporter.findings[0]?.location).toMatchObject({
      path: "People/Office People/Number of People Schedule Name",
      line: 102,
    });
    expect(r.outputs.logs?.stderr_tail).toContain("EnergyPlus Terminated");
  });

  it("reports a crash (no eplusout.end) as a runtime failure, keeping what eplusout.err said", async () => {
    const r = await run("clean-office.idf", { scenario: "crash" });
    expect(r.status).toBe("failed_runtime");
    expect(codes(r.reporter.findings)).toEqual([
      "energyplus.warning",
      "energyplus.severe",
      "energyplus.crashed",
    ]);
    expect(r.reporter.findings.at(-1)?.text).toContain("SIGKILL");
    expect(r.outputs).toMatchObject({
      energyplus_returncode: -1,
      completed_successfully: false,
      has_err_output: true,
    });
    expect(r.reporter.artifacts.map((a) => a.name)).toEqual(["eplusout.err"]);
  });

  it("stops a run that outlives the attempt and reports a timeout", async () => {
    const r = await run("clean-office.idf", {
      scenario: "hang",
      deadline: new Date(Date.now() + 2_000),
    });
    expect(r.status).toBe("failed_runtime");
    expect(codes(r.reporter.findings)).toContain("energyplus.timeout");
    expect(r.outputs.completed_successfully).toBe(false);
  });
});

describe("when the simulation cannot or must not run", () => {
  it("ends failed_runtime with energyplus.binary_missing when no binary is found, after preflight", async () => {
    const r = await run("demo-problems.idf", {
      env: { PATH: "/nonexistent" },
      inputs: { idf_checks: ["schedule-coverage"] },
    });
    expect(r.status).toBe("failed_runtime");
    expect(codes(r.reporter.findings)).toEqual([
      "energyplus.missing_required_object",
      "energyplus.schedule_undefined",
      "energyplus.binary_missing",
    ]);
    expect(r.outputs).toMatchObject({
      energyplus_returncode: -1,
      energyplus_binary_version: null,
      version_match: null,
    });
    const named = await run("clean-office.idf", {
      env: { PATH: "/nonexistent", ENERGYPLUS_BIN: "/opt/none/energyplus" },
    });
    expect(named.reporter.findings.at(-1)?.text).toContain("ENERGYPLUS_BIN");
  });

  it("runs preflight and --convert-only when run_simulation is false, with no weather needed", async () => {
    const r = await run("clean-office.idf", { inputs: { run_simulation: false }, weather: false });
    expect(r.status).toBe("success");
    const { args } = await r.invocation();
    expect(args).toEqual(["--output-directory", r.outputsDir, "--convert-only", r.modelPath]);
    expect(await readdir(r.outputsDir)).toContain("clean-office.epJSON");
    expect(r.outputs).toMatchObject({
      energyplus_returncode: 0,
      completed_successfully: true,
      has_sql_output: false,
    });
    expect(r.reporter.metrics).toEqual([]);
  });

  it("runs preflight only when run_simulation is false and there is no binary", async () => {
    const r = await run("demo-problems.idf", {
      inputs: { run_simulation: false },
      weather: false,
      env: { PATH: "/nonexistent" },
    });
    expect(r.status).toBe("failed_validation");
    expect(codes(r.reporter.findings)).toEqual(["energyplus.missing_required_object"]);
  });

  it("asks for a weather file when a simulation is wanted without one, and does not run", async () => {
    const r = await run("clean-office.idf", { weather: false });
    expect(r.status).toBe("failed_validation");
    expect(codes(r.reporter.findings)).toEqual(["energyplus.weather_missing"]);
    expect(await readdir(r.outputsDir).catch(() => [])).toEqual([]);
  });

  it("refuses a model whose version differs from the binary's, without running it", async () => {
    process.env.FAKE_ENERGYPLUS_VERSION = "23.2.0-7636e6b3e9";
    const r = await run("clean-office.idf");
    expect(r.status).toBe("failed_validation");
    expect(r.reporter.findings.map((f) => [f.code, f.location?.line])).toEqual([
      ["energyplus.version_mismatch", 5],
    ]);
    expect(r.outputs).toMatchObject({
      version_match: false,
      energyplus_binary_version: "23.2.0",
      energyplus_returncode: -1,
    });
  });

  it("refuses unsafe objects without running the model", async () => {
    const r = await run("unsafe.idf");
    expect(r.status).toBe("failed_validation");
    expect(
      codes(r.reporter.findings).filter((c) => c?.startsWith("energyplus.unsafe")),
    ).toHaveLength(6);
    expect(await readdir(r.outputsDir).catch(() => [])).toEqual([]);
  });

  it("does not run a model it could not read in full", async () => {
    const r = await run("odd-formatting.idf");
    expect(r.status).toBe("failed_validation");
    // Nothing is reported missing: it may be in the part that could not be read.
    expect(codes(r.reporter.findings)).toEqual(["energyplus.idf_unterminated_object"]);
    expect(await readdir(r.outputsDir).catch(() => [])).toEqual([]);
  });
});
