import type { FMUInputs } from "@validibot/contracts";
import { stepCount } from "./communication-points";
import type { ModelDescription, ModelVariable } from "./model-description";
import type { FmuReporter } from "./report";
import type { ApiType, FmiValue, SimVariable, StartValue } from "./simulation-protocol";

/** The co-simulation a run asks for, resolved against the model description. */
export interface SimulationPlan {
  startTime: number;
  stopTime: number;
  stepSize: number;
  tolerance: number | null;
  /** Communication steps from start to stop. */
  steps: number;
  startValues: StartValue[];
  /** Recorded variables with their units, in CSV column order. */
  outputs: (SimVariable & { unit: string | null })[];
}

const INTEGER_RANGES: Partial<Record<ApiType, [number, number]>> = {
  Integer: [-(2 ** 31), 2 ** 31 - 1],
  Int8: [-128, 127],
  UInt8: [0, 255],
  Int16: [-32768, 32767],
  UInt16: [0, 65535],
  Int32: [-(2 ** 31), 2 ** 31 - 1],
  UInt32: [0, 2 ** 32 - 1],
  Int64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  UInt64: [0, Number.MAX_SAFE_INTEGER],
};

/**
 * Resolves `FMUInputs` against the model description: the time frame (start before stop,
 * at most `maxSteps` steps), `input_values` by variable name (known, settable before the
 * run, of the right type) and `output_variables` (default: every output). Problems are
 * findings; returns null when the plan cannot run.
 */
export function planSimulation(
  description: ModelDescription,
  inputs: FMUInputs,
  reporter: FmuReporter,
  maxSteps: number,
): SimulationPlan | null {
  const errorsBefore = reporter.errorCount;
  const {
    start_time: startTime,
    stop_time: stopTime,
    step_size: stepSize,
    tolerance,
  } = inputs.simulation;
  let steps = 0;
  if (startTime >= stopTime) {
    reporter.error(
      "fmu.simulation_config_invalid",
      `simulation.start_time ${startTime} is not before stop_time ${stopTime}.`,
    );
  } else {
    steps = stepCount(startTime, stopTime, stepSize);
    if (steps > maxSteps) {
      reporter.error(
        "fmu.too_many_steps",
        `From ${startTime} to ${stopTime} with step_size ${stepSize} takes ${steps} communication steps; at most ${maxSteps} are allowed.`,
      );
    }
  }

  const byName = new Map(description.variables.map((variable) => [variable.name, variable]));
  const startValues: StartValue[] = [];
  for (const [name, raw] of Object.entries(inputs.input_values)) {
    const variable = byName.get(name);
    if (!variable) {
      reporter.error(
        "fmu.unknown_input",
        `input_values names "${name}", which the FMU does not have.`,
        {
          path: name,
        },
      );
      continue;
    }
    const api = apiType(description, variable);
    const phase = settablePhase(variable);
    if (!api || variable.dimensions > 0 || !phase) {
      const why = !api
        ? `its type ${variable.type} cannot be set here`
        : variable.dimensions > 0
          ? "array variables cannot be set here"
          : `a ${variable.variability} ${variable.causality} with initial ${variable.initial ?? "by default"} cannot be set before the run`;
      reporter.error("fmu.input_not_settable", `input_values sets "${name}", but ${why}.`, {
        path: name,
        line: variable.line,
      });
      continue;
    }
    const value = coerce(api, raw);
    if (value === undefined || variable.valueReference === null) {
      reporter.error(
        "fmu.input_value_invalid",
        `input_values.${name} = ${JSON.stringify(raw)} does not fit its type ${variable.type}.`,
        { path: name, line: variable.line },
      );
      continue;
    }
    startValues.push({ name, valueReference: variable.valueReference, api, value, phase });
  }

  const requested =
    inputs.output_variables.length > 0
      ? [...new Set(inputs.output_variables)]
      : description.variables.filter((v) => v.causality === "output").map((v) => v.name);
  const outputs: SimulationPlan["outputs"] = [];
  for (const name of requested) {
    const variable = byName.get(name);
    if (!variable) {
      reporter.error(
        "fmu.unknown_output",
        `output_variables names "${name}", which the FMU does not have.`,
        {
          path: name,
        },
      );
      continue;
    }
    const api = apiType(description, variable);
    if (!api || variable.dimensions > 0) {
      reporter.warning(
        "fmu.output_type_unsupported",
        `"${name}" (${variable.dimensions > 0 ? "an array" : variable.type}) is not recorded: only scalar numbers, booleans and strings are.`,
        { path: name, line: variable.line },
      );
      continue;
    }
    // The independent variable is the CSV's first column already.
    if (variable.valueReference === null || variable.causality === "independent") continue;
    outputs.push({ name, valueReference: variable.valueReference, api, unit: variable.unit });
  }

  if (reporter.errorCount > errorsBefore) return null;
  return { startTime, stopTime, stepSize, tolerance, steps, startValues, outputs };
}

/** The get/set suffix of a variable's type; undefined for Binary and Clock. */
export function apiType(
  description: ModelDescription,
  variable: ModelVariable,
): ApiType | undefined {
  switch (variable.type) {
    case "Enumeration":
      return description.fmiVersion === "2.0" ? "Integer" : "Int64";
    case "Binary":
    case "Clock":
      return undefined;
    default:
      return variable.type;
  }
}

/**
 * When a start value can be set: `approx` variables before initialization; inputs,
 * parameters and `exact` variables inside it; structural parameters before it (there is no
 * configuration mode in a plain co-simulation run). Constants, calculated variables and the
 * independent variable cannot be set.
 */
function settablePhase(variable: ModelVariable): StartValue["phase"] | undefined {
  if (variable.variability === "constant" || variable.causality === "independent") return undefined;
  if (variable.causality === "input") return "initialization";
  if (variable.causality === "structuralParameter") return "instantiated";
  if (variable.causality === "parameter") return "initialization";
  if (variable.initial === "exact") return "initialization";
  if (variable.initial === "approx") return "instantiated";
  return undefined;
}

function coerce(api: ApiType, raw: unknown): FmiValue | undefined {
  if (api === "String") return typeof raw === "string" ? raw : undefined;
  if (api === "Boolean") {
    if (typeof raw === "boolean") return raw;
    return raw === 0 || raw === 1 ? raw === 1 : undefined;
  }
  if (typeof raw !== "number" || !Number.isFinite(raw)) return undefined;
  const range = INTEGER_RANGES[api];
  if (!range) return raw;
  return Number.isInteger(raw) && raw >= range[0] && raw <= range[1] ? raw : undefined;
}
