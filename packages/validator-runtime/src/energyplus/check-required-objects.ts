import { epCode, REVIEW_TAG } from "./codes";
import { type FindingSink, MODEL_FILE_ROLE, modelPath } from "./findings";
import { objectsOfType, type ParsedModel } from "./model";

function missing(model: ParsedModel, type: string) {
  return {
    file_role: MODEL_FILE_ROLE,
    path: modelPath(model.format, type, null),
    line: null,
    column: null,
  };
}

/**
 * Objects a model must or should have. `Building` and `GlobalGeometryRules` are required by
 * EnergyPlus (`ERROR`); `Timestep` or `SimulationControl`, and a `RunPeriod` when a weather
 * simulation is asked for, are review `WARNING`s (EnergyPlus falls back to defaults or to
 * design days only, which a reviewer should know). `Version` is checked by `checkVersion`.
 */
export function checkRequiredObjects(
  model: ParsedModel,
  options: { simulatingWithWeather: boolean },
  sink: FindingSink,
): void {
  for (const type of ["Building", "GlobalGeometryRules"]) {
    if (objectsOfType(model, type).length === 0) {
      sink.finding({
        severity: "ERROR",
        code: epCode("missing_required_object"),
        text: `The model has no ${type} object; EnergyPlus requires one and stops without it.`,
        location: missing(model, type),
      });
    }
  }
  if (
    objectsOfType(model, "Timestep").length === 0 &&
    objectsOfType(model, "SimulationControl").length === 0
  ) {
    sink.finding({
      severity: "WARNING",
      code: epCode("missing_recommended_object"),
      text: "The model has neither a Timestep nor a SimulationControl object; EnergyPlus falls back to its defaults for both.",
      location: missing(model, "Timestep"),
      tags: [REVIEW_TAG],
    });
  }
  if (options.simulatingWithWeather && objectsOfType(model, "RunPeriod").length === 0) {
    sink.finding({
      severity: "WARNING",
      code: epCode("missing_recommended_object"),
      text: "A weather simulation was asked for but the model has no RunPeriod: EnergyPlus would simulate the sizing periods only, and the annual results would be empty.",
      location: missing(model, "RunPeriod"),
      tags: [REVIEW_TAG],
    });
  }
}
