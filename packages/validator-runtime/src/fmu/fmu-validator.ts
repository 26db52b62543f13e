import { FMUInputs } from "@validibot/contracts";
import { defineValidator } from "../define-validator";
import { validateFmu } from "./validate-fmu";

/** This validator's version, reported in logs and `try` output. */
export const FMU_VALIDATOR_VERSION = "0.1.0";

/** The port whose file is the FMU archive (`input_files`, role `fmu`). */
export const FMU_PORT = "fmu";

/**
 * The FMU validator (`type: "FMU"`): checks the archive and `modelDescription.xml` of an FMI
 * 2.0 or 3.0 unit, co-simulates it in a child process, and returns the typed `FMUOutputs`,
 * generic metrics and a `timeseries.csv` artifact. See `validateFmu` for what it does.
 */
export const fmuValidator = defineValidator<FMUInputs>({
  type: "FMU",
  version: FMU_VALIDATOR_VERSION,
  inputs: FMUInputs,
  async run(ctx) {
    const fmu = ctx.file(FMU_PORT);
    const result = await validateFmu(fmu.path, ctx.inputs, ctx, {
      scratchDir: ctx.scratchDir,
      outputsDir: ctx.outputsDir,
      signal: ctx.signal,
      deadline: ctx.deadline,
    });
    return { status: result.status, outputs: result.outputs };
  },
});
