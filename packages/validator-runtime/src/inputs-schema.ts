import { EnergyPlusInputs, FMUInputs } from "@validibot/contracts";
import { type ZodType, type ZodTypeDef, z } from "zod";
import type { Validator } from "./types";

const AnyObject = z.record(z.string(), z.unknown());

/**
 * The schema a validator's `inputs` are parsed with: its own `inputs`, else the contract's typed
 * inputs for ENERGYPLUS and FMU (every default filled), else any JSON object.
 */
export function inputsSchemaOf<I>(validator: Validator<I>): ZodType<I, ZodTypeDef, unknown> {
  if (validator.inputs) return validator.inputs;
  const schema =
    validator.type === "ENERGYPLUS"
      ? EnergyPlusInputs
      : validator.type === "FMU"
        ? FMUInputs
        : AnyObject;
  return schema as unknown as ZodType<I, ZodTypeDef, unknown>;
}
