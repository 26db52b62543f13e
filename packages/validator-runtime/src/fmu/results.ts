import type { FMUOutputs } from "@validibot/contracts";
import type { ModelDescription } from "./model-description";
import type { FmuReportSink } from "./report";
import type { SimulationPlan } from "./simulation-plan";
import type { FmiValue } from "./simulation-protocol";

/** What a finished (or failed) co-simulation contributes to the typed outputs. */
export interface SimulationSummary {
  finalValues: Record<string, FmiValue>;
  steps: number;
  timeReached: number;
  executionSeconds: number;
  log: string | null;
}

/** The typed `FMUOutputs`: what the unit says about itself, and what the run produced. */
export function fmuOutputs(
  description: ModelDescription,
  summary: SimulationSummary | null,
  startTime: number,
): FMUOutputs {
  return {
    output_values: summary?.finalValues ?? {},
    fmu_guid: description.token,
    fmi_version: description.fmiVersion,
    model_name: description.modelName,
    execution_seconds: summary?.executionSeconds ?? 0,
    simulation_time_reached: Math.max(0, summary?.timeReached ?? startTime),
    fmu_log: summary?.log ?? null,
  };
}

/**
 * Reports the generic metrics: each recorded variable's final value (booleans as 0/1) with
 * its unit, the communication steps taken, the simulated time and the wall-clock time.
 */
export function reportMetrics(
  sink: FmuReportSink,
  plan: SimulationPlan,
  summary: SimulationSummary,
): void {
  for (const output of plan.outputs) {
    const value = summary.finalValues[output.name];
    if (value === undefined) continue;
    sink.metric({
      name: output.name,
      value: typeof value === "boolean" ? Number(value) : value,
      unit: output.unit,
      category: "output",
      tags: ["fmu", "final-value"],
    });
  }
  sink.metric({ name: "fmu.steps", value: summary.steps, category: "simulation", tags: ["fmu"] });
  sink.metric({
    name: "fmu.simulated_time",
    value: summary.timeReached - plan.startTime,
    unit: "s",
    category: "simulation",
    tags: ["fmu"],
  });
  sink.metric({
    name: "fmu.execution_seconds",
    value: summary.executionSeconds,
    unit: "s",
    category: "performance",
    tags: ["fmu"],
  });
}
