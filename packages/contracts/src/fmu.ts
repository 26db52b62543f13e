import { z } from "zod";
import { inputEnvelopeShape } from "./input-envelope";
import { outputEnvelopeShape } from "./output-envelope";
import { FreeJsonObject } from "./primitives";

/**
 * The co-simulation's time frame. Unknown fields are dropped, not rejected, as the reference's
 * model does.
 */
export const FMUSimulationConfig = z.object({
  start_time: z.number().min(0).default(0),
  stop_time: z.number().gt(0).default(1),
  step_size: z.number().gt(0).default(0.01),
  tolerance: z.number().gt(0).nullable().default(null),
});
/** The co-simulation's time frame. */
export type FMUSimulationConfig = z.infer<typeof FMUSimulationConfig>;

/** The inputs of an FMU run: start values by variable name, the time frame, the outputs to keep. */
export const FMUInputs = z.object({
  input_values: FreeJsonObject.default({}),
  simulation: FMUSimulationConfig.default({}),
  output_variables: z.array(z.string()).default([]),
});
/** The inputs of an FMU run. */
export type FMUInputs = z.infer<typeof FMUInputs>;

/** The input envelope of an FMU run (`validator.type` `FMU`). */
export const FMUInputEnvelope = z.object({ ...inputEnvelopeShape, inputs: FMUInputs }).strict();
/** The input envelope of an FMU run. */
export type FMUInputEnvelope = z.infer<typeof FMUInputEnvelope>;

/** The typed `outputs` of an FMU run: final values and what the unit said about itself. */
export const FMUOutputs = z.object({
  output_values: FreeJsonObject.default({}),
  fmu_guid: z.string().nullable().default(null),
  fmi_version: z.string().nullable().default(null),
  model_name: z.string().nullable().default(null),
  execution_seconds: z.number().min(0),
  simulation_time_reached: z.number().min(0),
  fmu_log: z.string().nullable().default(null),
});
/** The typed `outputs` of an FMU run. */
export type FMUOutputs = z.infer<typeof FMUOutputs>;

/** The output envelope of an FMU run; `outputs` may be null when the unit never ran. */
export const FMUOutputEnvelope = z
  .object({ ...outputEnvelopeShape, outputs: FMUOutputs.nullable().default(null) })
  .strict();
/** The output envelope of an FMU run. */
export type FMUOutputEnvelope = z.infer<typeof FMUOutputEnvelope>;
