import type { ModelDescription } from "./model-description";
import type { FmuReporter } from "./report";

/** Checks `DefaultExperiment`: start before stop, positive step size and tolerance. */
export function checkDefaultExperiment(description: ModelDescription, reporter: FmuReporter): void {
  const experiment = description.defaultExperiment;
  if (!experiment) return;
  const line = { line: experiment.line };
  const { startTime, stopTime, stepSize, tolerance } = experiment;
  if (startTime !== null && stopTime !== null && startTime >= stopTime) {
    reporter.error(
      "fmu.default_experiment_invalid",
      `DefaultExperiment starts at ${startTime}, not before its stop time ${stopTime}.`,
      line,
    );
  }
  if (stepSize !== null && stepSize <= 0) {
    reporter.error(
      "fmu.default_experiment_invalid",
      `DefaultExperiment's stepSize ${stepSize} is not positive.`,
      line,
    );
  }
  if (tolerance !== null && tolerance <= 0) {
    reporter.error(
      "fmu.default_experiment_invalid",
      `DefaultExperiment's tolerance ${tolerance} is not positive.`,
      line,
    );
  }
}
