import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildTestFmu } from "./build-test-fmu";
import { type CoreRun, runCore, tempDirs } from "./helpers/run-core";

const newDir = tempDirs("fmu-bad");

const BILLION_LAUGHS = `<?xml version="1.0"?>
<!DOCTYPE lolz [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<fmiModelDescription fmiVersion="2.0" modelName="&lol4;" guid="x"/>
`;

/** Runs a broken variant and returns its run; the co-simulation must not have run. */
async function runBroken(options: Omit<Parameters<typeof buildTestFmu>[0], "dir">) {
  const dir = await newDir();
  const fmu = await buildTestFmu({ ...options, dir });
  const run = await runCore(fmu.path, dir);
  expect(run.status).toBe("failed_validation");
  expect(existsSync(join(run.outputsDir, "timeseries.csv"))).toBe(false);
  return Object.assign(run, { modelDescription: fmu.modelDescription });
}

/** The 1-based line of the first occurrence of `needle`. */
function lineOf(text: string, needle: string): number {
  return text.slice(0, text.indexOf(needle)).split("\n").length;
}

function errorWith(run: CoreRun, code: string) {
  const finding = run.reports.findings.find((f) => f.code === code);
  expect(finding, `expected a finding ${code}, got ${run.codes.join(", ")}`).toBeDefined();
  expect(finding?.severity).toBe("ERROR");
  return finding;
}

describe("malformed FMUs, each reported with its own code and never co-simulated", () => {
  it("broken XML: fmu.xml_malformed with the line", async () => {
    const run = await runBroken({
      fmiVersion: 2,
      modelDescription: (xml) => xml.replace("</ModelVariables>", "</ModelVariable>"),
    });
    const finding = errorWith(run, "fmu.xml_malformed");
    expect(finding?.location?.line).toBe(lineOf(run.modelDescription, "</ModelVariable>"));
    expect(run.outputs).toBeNull();
  });

  it("an entity-expansion attack: fmu.xml_entities_refused, nothing expanded", async () => {
    const run = await runBroken({ fmiVersion: 2, modelDescription: BILLION_LAUGHS });
    const finding = errorWith(run, "fmu.xml_entities_refused");
    expect(finding?.location?.line).toBe(2);
    expect(run.codes).toEqual(["fmu.xml_entities_refused"]);
  });

  it("no binary for this platform: fmu.binary_missing", async () => {
    const run = await runBroken({ fmiVersion: 2, omitBinary: true });
    expect(errorWith(run, "fmu.binary_missing")?.text).toContain("binaries/linux64/FirstOrder.so");
    expect(run.codes).toContain("fmu.simulation_skipped");
    expect(run.outputs?.model_name).toBe("FirstOrder");
  });

  it("a binary not named after modelIdentifier: fmu.model_identifier_mismatch", async () => {
    const run = await runBroken({ fmiVersion: 3, binaryName: "SomethingElse" });
    const finding = errorWith(run, "fmu.model_identifier_mismatch");
    expect(finding?.text).toContain("SomethingElse.so");
    expect(run.codes).not.toContain("fmu.binary_missing");
  });

  it("a modelIdentifier that is a path: fmu.model_identifier_invalid", async () => {
    const run = await runBroken({ fmiVersion: 2, modelIdentifier: "../../evil" });
    errorWith(run, "fmu.model_identifier_invalid");
  });

  it("duplicate value references: fmu.duplicate_value_reference at the second variable", async () => {
    const run = await runBroken({
      fmiVersion: 3,
      modelDescription: (xml) =>
        xml.replace('name="x0" valueReference="3"', 'name="x0" valueReference="2"'),
    });
    const finding = errorWith(run, "fmu.duplicate_value_reference");
    expect(finding?.location?.path).toBe("x0");
    expect(finding?.location?.line).toBe(lineOf(run.modelDescription, 'name="x0"'));
  });

  it("a zip bomb (a small, highly compressible entry): fmu.zip_bomb, stopped while inflating", async () => {
    const run = await runBroken({
      fmiVersion: 2,
      extraEntries: [{ name: "resources/zeros.bin", data: Buffer.alloc(24 * 1024 * 1024) }],
    });
    expect(errorWith(run, "fmu.zip_bomb")?.location?.path).toBe("resources/zeros.bin");
    expect(run.outputs).toBeNull();
  });

  it("a zip-slip entry: fmu.zip_slip, and nothing written outside", async () => {
    const dir = await newDir();
    const fmu = await buildTestFmu({
      fmiVersion: 2,
      dir,
      extraEntries: [{ name: "../../evil.txt", data: "pwned" }],
    });
    const run = await runCore(fmu.path, dir);
    expect(run.status).toBe("failed_validation");
    expect(errorWith(run, "fmu.zip_slip")?.location?.path).toBe("../../evil.txt");
    expect(existsSync(join(dir, "evil.txt"))).toBe(false);
    expect(existsSync(join(dir, "..", "evil.txt"))).toBe(false);
  });

  it("a symbolic link entry: fmu.symlink_entry", async () => {
    const run = await runBroken({
      fmiVersion: 2,
      extraEntries: [{ name: "resources/passwd", data: "/etc/passwd", unixMode: 0o120777 }],
    });
    errorWith(run, "fmu.symlink_entry");
  });

  it("no modelDescription.xml: fmu.model_description_missing", async () => {
    const run = await runBroken({ fmiVersion: 2, omitModelDescription: true });
    errorWith(run, "fmu.model_description_missing");
  });

  it("a Model-Exchange-only FMU: fmu.co_simulation_unsupported", async () => {
    const run = await runBroken({
      fmiVersion: 2,
      modelDescription: (xml) => xml.replace("<CoSimulation ", "<ModelExchange "),
    });
    expect(errorWith(run, "fmu.co_simulation_unsupported")?.text).toContain("Model Exchange only");
  });

  it("an unsupported FMI version: fmu.fmi_version_unsupported", async () => {
    const run = await runBroken({
      fmiVersion: 2,
      modelDescription: (xml) => xml.replace('fmiVersion="2.0"', 'fmiVersion="1.0"'),
    });
    errorWith(run, "fmu.fmi_version_unsupported");
  });

  it("a file that is no zip at all: fmu.not_a_zip", async () => {
    const dir = await newDir();
    const path = join(dir, "model.fmu");
    await writeFile(path, "this is not an archive");
    const run = await runCore(path, dir);
    expect(run.status).toBe("failed_validation");
    expect(run.codes).toEqual(["fmu.not_a_zip"]);
  });
});

describe("inputs that do not fit the FMU", () => {
  it("unknown or unsettable inputs, badly typed values and unknown outputs are findings, and nothing runs", async () => {
    const dir = await newDir();
    const fmu = await buildTestFmu({ fmiVersion: 2, dir });
    const run = await runCore(fmu.path, dir, {
      input_values: { nope: 1, x: 3, u: "high", steps: 2.5 },
      output_variables: ["x", "missing"],
    });
    expect(run.status).toBe("failed_validation");
    const byPath = Object.fromEntries(run.reports.findings.map((f) => [f.location?.path, f.code]));
    expect(byPath).toMatchObject({
      nope: "fmu.unknown_input",
      x: "fmu.input_not_settable",
      u: "fmu.input_value_invalid",
      steps: "fmu.input_not_settable",
      missing: "fmu.unknown_output",
    });
    expect(run.codes).toContain("fmu.simulation_skipped");
  });

  it("a time frame that ends before it starts is fmu.simulation_config_invalid", async () => {
    const dir = await newDir();
    const fmu = await buildTestFmu({ fmiVersion: 3, dir });
    const run = await runCore(fmu.path, dir, { simulation: { start_time: 2, stop_time: 1 } });
    expect(run.status).toBe("failed_validation");
    expect(run.codes).toContain("fmu.simulation_config_invalid");
  });

  it("more steps than allowed is fmu.too_many_steps", async () => {
    const dir = await newDir();
    const fmu = await buildTestFmu({ fmiVersion: 3, dir });
    const run = await runCore(
      fmu.path,
      dir,
      { simulation: { stop_time: 10, step_size: 0.001 } },
      { maxSteps: 5000 },
    );
    expect(run.status).toBe("failed_validation");
    expect(run.codes).toContain("fmu.too_many_steps");
  });
});
