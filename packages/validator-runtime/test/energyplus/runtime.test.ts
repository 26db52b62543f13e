import { spawn } from "node:child_process";
import { readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { EnergyPlusOutputEnvelope } from "@validibot/contracts";
import { isValidator } from "@validibot/validator-runtime";
import energyplus from "@validibot/validator-runtime/energyplus";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixture, tempDir } from "./helpers";
import { installStandIn } from "./stand-in";

const REPO_ROOT = fileURLToPath(new URL("../../../../", import.meta.url));
const CLI = fileURLToPath(new URL("../../src/cli.ts", import.meta.url));

/** `validibot-validator <args>` as a real child process (this Node, with tsx). */
function cli(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", CLI, ...args], {
      cwd: REPO_ROOT,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => {
      stdout += c.toString("utf8");
    });
    child.stderr.on("data", (c: Buffer) => {
      stderr += c.toString("utf8");
    });
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}

let standIn: Awaited<ReturnType<typeof installStandIn>>;
let dir: string;
let remove: () => Promise<void>;
beforeAll(async () => {
  standIn = await installStandIn();
  ({ dir, remove } = await tempDir());
});
afterAll(async () => {
  await standIn.remove();
  await remove();
});

describe("the EnergyPlus validator in the runtime", () => {
  it("is the default export of the subpath, as a validator of type ENERGYPLUS", () => {
    expect(isValidator(energyplus)).toBe(true);
    expect(energyplus.type).toBe("ENERGYPLUS");
  });

  it("`try energyplus` prints each preflight finding with its code and location, and exits 1", async () => {
    const result = await cli(
      [
        "try",
        "energyplus",
        "--file",
        `primary_model=${fixture("demo-problems.idf")}`,
        "--inputs",
        '{"run_simulation": false, "idf_checks": ["duplicate-names", "hvac-sizing", "schedule-coverage"]}',
      ],
      { PATH: "/usr/bin:/bin", HOME: process.env.HOME },
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /^ERROR +energyplus\.duplicate_name +primary-model:51:5 Zone\/OFFICE\/Name +Zone "OFFICE"/m,
    );
    expect(result.stdout).toMatch(
      /^ERROR +energyplus\.schedule_undefined +primary-model:60:5 People\/Office People\/Number of People Schedule Name /m,
    );
    expect(result.stdout).toMatch(
      /^ERROR +energyplus\.missing_required_object +primary-model GlobalGeometryRules /m,
    );
    expect(result.stdout).toContain("Status: failed_validation");
  });

  it("`try energyplus` simulates with the binary on PATH and writes a typed output envelope with artifacts", async () => {
    const weather = join(dir, "chicago.epw");
    await writeFile(
      weather,
      "LOCATION,Chicago Ohare Intl Ap,IL,USA,TMY3,725300,41.98,-87.92,-6.0,201.0\n",
    );
    const result = await cli(
      [
        "try",
        "energyplus",
        "--file",
        `primary_model=${fixture("clean-office.idf")}`,
        "--file",
        `weather_file=${weather}`,
        "--keep",
      ],
      { PATH: standIn.env.PATH, HOME: process.env.HOME },
    );
    expect(result.stdout).toContain("Status: success");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /^WARNING +energyplus\.warning +primary-model:82:1 BuildingSurface:Detailed\/Office Wall South /m,
    );
    expect(result.stdout).toMatch(/^site_electricity_kwh +15055\.556 +kWh$/m);

    const kept = /Bundle kept at (.+)$/m.exec(result.stdout)?.[1]?.trim() ?? "";
    expect(kept).not.toBe("");
    try {
      const outputPath =
        (await readdir(kept, { recursive: true })).find((p) => p.endsWith("output.json")) ??
        "output.json";
      const output = EnergyPlusOutputEnvelope.parse(
        JSON.parse(await readFile(join(kept, outputPath), "utf8")),
      );
      expect(output.status).toBe("success");
      expect(output.outputs).toMatchObject({
        energyplus_returncode: 0,
        completed_successfully: true,
        warning_count: 4,
        version_match: true,
      });
      expect(output.outputs.metrics.site_natural_gas_kwh).toBeCloseTo(32 * (1e9 / 3.6e6), 0);
      expect(output.artifacts.map((a) => a.name).sort()).toEqual([
        "eplusout.csv",
        "eplusout.err",
        "eplusout.sql",
        "eplustbl.csv",
        "eplustbl.htm",
      ]);
      expect(output.raw_outputs).not.toBeNull();
    } finally {
      await rm(kept, { recursive: true, force: true });
    }
  });
});
