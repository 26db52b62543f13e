import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type FMUInputs, FMUInputs as FMUInputsSchema } from "@validibot/contracts";
import { afterAll } from "vitest";
import {
  type CollectedReports,
  collectReports,
  type FmuValidationResult,
  type ValidateFmuOptions,
  validateFmu,
} from "../../../src/fmu/index";

/** A fresh temp folder, removed after the test file. */
export function tempDirs(prefix: string): () => Promise<string> {
  const made: string[] = [];
  afterAll(async () => {
    await Promise.all(made.map((dir) => rm(dir, { recursive: true, force: true })));
  });
  return async () => {
    const dir = await mkdtemp(join(tmpdir(), `${prefix}-`));
    made.push(dir);
    return dir;
  };
}

/** What running the core on one FMU gave. */
export interface CoreRun extends FmuValidationResult {
  reports: CollectedReports;
  /** Finding codes, in order. */
  codes: (string | null | undefined)[];
  outputsDir: string;
}

/** Runs `validateFmu` on an FMU with inputs as a host would write them (defaults filled by the schema). */
export async function runCore(
  fmuPath: string,
  dir: string,
  rawInputs: Partial<Record<keyof FMUInputs, unknown>> = {},
  options: Partial<ValidateFmuOptions> = {},
): Promise<CoreRun> {
  const reports = collectReports();
  const outputsDir = join(dir, "outputs");
  const result = await validateFmu(fmuPath, FMUInputsSchema.parse(rawInputs), reports, {
    scratchDir: join(dir, "scratch"),
    outputsDir,
    ...options,
  });
  return { ...result, reports, codes: reports.findings.map((f) => f.code), outputsDir };
}
