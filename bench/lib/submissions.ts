import type { SubmitRunRequest } from "../../packages/sdk/src/client";

/** A small IDF model: enough bytes to stand for a submission in load runs. */
const MODEL = "Version,24.1;\nBuilding,Load,0,Suburbs,0.04,0.4,FullExterior,25,6;\n";

/**
 * The `i`-th submission of a load run: odd ones to the EnergyPlus validator (`model.idf`), even
 * ones to the FMU validator (`unit.fmu`), so both validators' paths share the load.
 */
export function alternatingSubmission(i: number): SubmitRunRequest {
  return {
    validator: i % 2 ? "energyplus" : "fmu",
    inputs: {},
    files: [
      i % 2
        ? { port_key: "primary_model", name: "model.idf", data: MODEL }
        : { port_key: "fmu", name: "unit.fmu", data: MODEL },
    ],
  };
}
