import type { ArtifactInput, FindingInput, MetricInput } from "../types";
import type { FindingSink } from "./findings";

/** Where a validation reports to: a `ValidatorContext` satisfies it, and so does `collectReport()`. */
export interface EnergyPlusReporter extends FindingSink {
  metric(metric: MetricInput): void;
  artifact(artifact: ArtifactInput): void;
  log?(message: string): void;
}

/** A reporter that keeps everything in arrays, for use outside the runtime. */
export function collectReport(): EnergyPlusReporter & {
  findings: FindingInput[];
  metrics: MetricInput[];
  artifacts: ArtifactInput[];
} {
  const findings: FindingInput[] = [];
  const metrics: MetricInput[] = [];
  const artifacts: ArtifactInput[] = [];
  return {
    findings,
    metrics,
    artifacts,
    finding: (f) => findings.push(f),
    metric: (m) => metrics.push(m),
    artifact: (a) => artifacts.push(a),
  };
}
