import { EnergyPlusInputs } from "@validibot/contracts";
import type { FindingInput } from "@validibot/validator-runtime";
import { collectFindings, readModel, runPreflight } from "@validibot/validator-runtime/energyplus";
import { describe, expect, it } from "vitest";
import { fixture } from "./helpers";

const ALL_CHECKS = EnergyPlusInputs.parse({
  idf_checks: ["duplicate-names", "hvac-sizing", "schedule-coverage"],
});

async function preflight(
  file: string,
  inputs = ALL_CHECKS,
  binaryVersion: string | null = "24.1.0",
  hasWeather = true,
) {
  const { model } = await readModel(fixture(file));
  const sink = collectFindings();
  const result = runPreflight(model, { inputs, binaryVersion, hasWeather }, sink);
  return { result, findings: sink.findings };
}

const brief = (f: FindingInput) => [f.severity, f.code, f.location?.path, f.location?.line];

describe("preflight on an IDF model with deliberate problems", () => {
  it("finds each problem with its code, object path and line", async () => {
    const { findings, result } = await preflight("demo-problems.idf");
    expect(findings.map(brief)).toEqual([
      ["ERROR", "energyplus.missing_required_object", "GlobalGeometryRules", null],
      ["ERROR", "energyplus.duplicate_name", "Zone/OFFICE/Name", 51],
      [
        "WARNING",
        "energyplus.hvac_sizing_missing",
        "ZoneHVAC:IdealLoadsAirSystem/Office Ideal Loads/Maximum Heating Air Flow Rate {m3/s}",
        82,
      ],
      [
        "WARNING",
        "energyplus.hvac_sizing_missing",
        "ZoneHVAC:IdealLoadsAirSystem/Office Ideal Loads/Maximum Heating Air Flow Rate {m3/s}",
        82,
      ],
      [
        "ERROR",
        "energyplus.schedule_undefined",
        "People/Office People/Number of People Schedule Name",
        60,
      ],
    ]);
    expect(findings.every((f) => f.location?.file_role === "primary-model")).toBe(true);
    expect(findings[1]?.text).toContain("line 43");
    expect(result).toEqual({ refusedObjects: 0, versionMatch: true, reviewIssues: 2, errors: 3 });
  });

  it("runs only the idf_checks asked for", async () => {
    const { findings } = await preflight(
      "demo-problems.idf",
      EnergyPlusInputs.parse({ idf_checks: ["schedule-coverage"] }),
    );
    expect(findings.map((f) => f.code)).toEqual([
      "energyplus.missing_required_object",
      "energyplus.schedule_undefined",
    ]);
  });

  it("raises review warnings to errors under leed_review", async () => {
    const { findings, result } = await preflight("demo-problems.idf", {
      ...ALL_CHECKS,
      review_profile: "leed_review",
    });
    const sizing = findings.filter((f) => f.code === "energyplus.hvac_sizing_missing");
    expect(sizing.map((f) => f.severity)).toEqual(["ERROR", "ERROR"]);
    expect(sizing[0]?.tags).toEqual(["energyplus-review", "leed_review"]);
    expect(result.errors).toBe(5);
  });

  it("passes a clean model", async () => {
    const { findings, result } = await preflight("clean-office.idf");
    expect(findings).toEqual([]);
    expect(result.versionMatch).toBe(true);
  });

  it("reports a version mismatch with the binary at major.minor precision", async () => {
    const { findings, result } = await preflight("clean-office.idf", ALL_CHECKS, "23.2.0");
    expect(findings.map(brief)).toEqual([
      ["ERROR", "energyplus.version_mismatch", "Version/Version Identifier", 5],
    ]);
    expect(result.versionMatch).toBe(false);
    expect((await preflight("clean-office.idf", ALL_CHECKS, "24.1.2")).result.versionMatch).toBe(
      true,
    );
  });

  it("asks for a RunPeriod only when a weather simulation is wanted", async () => {
    const { model } = await readModel(fixture("unsafe.idf"));
    const sink = collectFindings();
    runPreflight(model, { inputs: ALL_CHECKS, binaryVersion: null, hasWeather: true }, sink);
    expect(
      sink.findings
        .filter((f) => f.code === "energyplus.missing_recommended_object")
        .map((f) => f.location?.path),
    ).toEqual(["RunPeriod"]);
    const noWeather = collectFindings();
    runPreflight(model, { inputs: ALL_CHECKS, binaryVersion: null, hasWeather: false }, noWeather);
    expect(noWeather.findings.some((f) => f.code === "energyplus.missing_recommended_object")).toBe(
      false,
    );
  });
});

describe("the safety scan", () => {
  it("refuses code, sockets and files outside the run, and lets a file beside the model pass", async () => {
    const { findings, result } = await preflight("unsafe.idf");
    const unsafe = findings.filter((f) => f.code?.startsWith("energyplus.unsafe"));
    expect(unsafe.map(brief)).toEqual([
      ["ERROR", "energyplus.unsafe_object", "PythonPlugin:Instance/Heat Pump Controller", 7],
      ["ERROR", "energyplus.unsafe_object", "ExternalInterface/PtolemyServer", 13],
      ["ERROR", "energyplus.unsafe_object", "EnergyManagementSystem:Program/Override Setpoint", 16],
      ["ERROR", "energyplus.unsafe_schedule_file", "Schedule:File/Passwords/File Name", 23],
      ["ERROR", "energyplus.unsafe_schedule_file", "Schedule:File/Climbing Out/File Name", 29],
      ["ERROR", "energyplus.unsafe_schedule_file", "Schedule:File/Remote Data/File Name", 35],
    ]);
    expect(result.refusedObjects).toBe(6);
  });
});

describe("preflight on an epJSON model", () => {
  it("finds each problem at its JSON pointer and line", async () => {
    const { findings } = await preflight("problems.epJSON");
    expect(findings.map(brief)).toEqual([
      [
        "ERROR",
        "energyplus.unsafe_object",
        "/EnergyManagementSystem:Program/Override Setpoint",
        39,
      ],
      ["ERROR", "energyplus.missing_required_object", "/Building", null],
      ["WARNING", "energyplus.missing_recommended_object", "/RunPeriod", null],
      ["ERROR", "energyplus.duplicate_name", "/Zone/OFFICE", 23],
      [
        "ERROR",
        "energyplus.schedule_undefined",
        "/People/Office People/number_of_people_schedule_name",
        33,
      ],
    ]);
  });
});
