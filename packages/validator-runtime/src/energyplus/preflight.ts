import type { EnergyPlusInputs } from "@validibot/contracts";
import type { FindingInput } from "../types";
import { checkDuplicateNames } from "./check-duplicate-names";
import { checkHvacSizing } from "./check-hvac-sizing";
import { checkRequiredObjects } from "./check-required-objects";
import { checkSafety } from "./check-safety";
import { checkScheduleCoverage } from "./check-schedule-coverage";
import { checkVersion } from "./check-version";
import type { FindingSink } from "./findings";
import type { ParsedModel } from "./model";
import { withReviewProfile } from "./review-profile";

/** What preflight needs besides the model. */
export interface PreflightOptions {
  inputs: Pick<EnergyPlusInputs, "idf_checks" | "review_profile" | "run_simulation">;
  /** The binary's version, when a binary is present; the version check runs only then. */
  binaryVersion: string | null;
  /** Whether a weather file is at hand (a weather simulation needs a RunPeriod). */
  hasWeather: boolean;
}

/** What preflight found that decides whether the simulation may run. */
export interface PreflightResult {
  /** Objects refused by the safety scan; any refusal blocks the run. */
  refusedObjects: number;
  /** Whether the model's version matches the binary's (null when unknown). */
  versionMatch: boolean | null;
  /** How many review findings were reported (tagged `energyplus-review`). */
  reviewIssues: number;
  /** How many `ERROR` findings preflight reported. */
  errors: number;
}

/**
 * Runs every preflight check on a read model: the safety scan always; required objects when the
 * model was read in full; the version check when a binary is present; `duplicate-names`, `hvac-sizing` and
 * `schedule-coverage` when `idf_checks` asks for them. Findings pass through the review profile.
 */
export function runPreflight(
  model: ParsedModel,
  options: PreflightOptions,
  out: FindingSink,
): PreflightResult {
  let reviewIssues = 0;
  let errors = 0;
  const counting: FindingSink = {
    finding(f: FindingInput) {
      if (f.tags?.includes("energyplus-review")) reviewIssues++;
      if (f.severity === "ERROR") errors++;
      out.finding(f);
    },
  };
  const sink = withReviewProfile(counting, options.inputs.review_profile);
  const refusedObjects = checkSafety(model, sink);
  let versionMatch: boolean | null = null;
  // What is missing from a model read only in part may be in the part not read.
  if (options.binaryVersion !== null && (model.complete || model.version !== null)) {
    versionMatch = checkVersion(model, options.binaryVersion, sink);
  } else if (model.version === null && model.complete) {
    checkVersion(model, null, sink);
  }
  if (model.complete) {
    checkRequiredObjects(
      model,
      { simulatingWithWeather: options.inputs.run_simulation && options.hasWeather },
      sink,
    );
  }
  const checks = new Set(options.inputs.idf_checks);
  if (checks.has("duplicate-names")) checkDuplicateNames(model, sink);
  if (checks.has("hvac-sizing")) checkHvacSizing(model, sink);
  if (checks.has("schedule-coverage")) checkScheduleCoverage(model, sink);
  return { refusedObjects, versionMatch, reviewIssues, errors };
}
