import type { ProcessResult } from "../types";
import type { ProcessRunner } from "./process-runner";

/** How one EnergyPlus invocation is made. */
export interface EnergyPlusInvocation {
  binary: string;
  model: string;
  outputDir: string;
  /** The EPW for a weather simulation; null runs the design days only (or converts). */
  weather: string | null;
  /** `--convert-only`: translate IDF <-> epJSON, no simulation. */
  convertOnly: boolean;
  /** `--readvars`: also write `eplusout.csv` from the ESO. Ignored with `convertOnly`. */
  readVars: boolean;
  timeoutMs?: number;
}

/**
 * The command line: `energyplus --output-directory <dir> [--weather <epw> | --convert-only]
 * [--readvars] <model>` (the long forms of `-d`, `-w` and `-r`).
 */
export function energyPlusArgs(inv: EnergyPlusInvocation): string[] {
  const args = ["--output-directory", inv.outputDir];
  if (inv.convertOnly) args.push("--convert-only");
  else {
    if (inv.weather) args.push("--weather", inv.weather);
    if (inv.readVars) args.push("--readvars");
  }
  args.push(inv.model);
  return args;
}

/** Runs EnergyPlus through the runner, in the output folder, with the given time limit. */
export function runEnergyPlus(
  runner: ProcessRunner,
  inv: EnergyPlusInvocation,
): Promise<ProcessResult> {
  return runner.runProcess(inv.binary, energyPlusArgs(inv), {
    cwd: inv.outputDir,
    tailBytes: 16 * 1024,
    ...(inv.timeoutMs === undefined ? {} : { timeoutMs: inv.timeoutMs }),
  });
}
