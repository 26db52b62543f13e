import { EnergyPlusInputs } from "@validibot/contracts";
import { defineValidator } from "../define-validator";
import type { StagedFile, ValidatorContext } from "../types";
import { validateEnergyPlusModel } from "./validate";

/** This validator's own version, reported in logs and `try` output. */
export const ENERGYPLUS_VALIDATOR_VERSION = "0.1.0";

function modelFile(ctx: ValidatorContext<EnergyPlusInputs>): StagedFile {
  return (
    ctx.optionalFile("primary_model") ??
    ctx.files.find((f) => f.kind === "input" && f.role === "primary-model") ??
    ctx.file("primary_model")
  );
}

function weatherFile(ctx: ValidatorContext<EnergyPlusInputs>): StagedFile | undefined {
  return (
    ctx.optionalFile("weather_file") ??
    ctx.files.find((f) => f.kind === "resource" && f.mime_type === "energyplus_weather")
  );
}

/**
 * The EnergyPlus validator: the model from port `primary_model`, the EPW from `weather_file`,
 * inputs `EnergyPlusInputs`. Reads and checks the model, simulates it when asked, and reports
 * findings, metrics, artifacts and the typed `EnergyPlusOutputs` (see `validateEnergyPlusModel`).
 * The binary comes from `ENERGYPLUS_BIN` or `PATH`.
 */
export const energyplusValidator = defineValidator<EnergyPlusInputs>({
  type: "ENERGYPLUS",
  version: ENERGYPLUS_VALIDATOR_VERSION,
  inputs: EnergyPlusInputs,
  async run(ctx) {
    const model = modelFile(ctx);
    const weather = weatherFile(ctx);
    const result = await validateEnergyPlusModel({
      modelPath: model.path,
      weatherPath: weather?.path ?? null,
      inputs: ctx.inputs,
      scratchDir: ctx.scratchDir,
      outputsDir: ctx.outputsDir,
      runner: ctx,
      reporter: ctx,
      deadline: ctx.deadline,
    });
    return { status: result.status, outputs: result.outputs };
  },
});
