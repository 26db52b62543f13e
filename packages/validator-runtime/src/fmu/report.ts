import type { MessageLocation, Severity } from "@validibot/contracts";
import type { ArtifactInput, FindingInput, MetricInput } from "../types";
import type { FmuFindingCode } from "./codes";

/**
 * Where the FMU validator reports to: the runtime's `ctx` satisfies it, and so does
 * `collectReports()`, which lets the core run without the runtime (tests, scripts).
 */
export interface FmuReportSink {
  finding(finding: FindingInput): void;
  metric(metric: MetricInput): void;
  artifact(artifact: ArtifactInput): void;
  log?(message: string): void;
}

/** Where a finding points: `path` is a variable or entry name, `line` a line of the XML. */
export type FmuLocation = Partial<Pick<MessageLocation, "line" | "column" | "path">>;

/** Reports findings with FMU codes to a sink and counts the errors among them. */
export class FmuReporter {
  /** How many `ERROR` findings were reported so far. */
  errorCount = 0;

  constructor(readonly sink: FmuReportSink) {}

  /** Reports an `ERROR` finding (blocks the run). */
  error(code: FmuFindingCode, text: string, location?: FmuLocation): void {
    this.report("ERROR", code, text, location);
  }

  /** Reports a `WARNING` finding. */
  warning(code: FmuFindingCode, text: string, location?: FmuLocation): void {
    this.report("WARNING", code, text, location);
  }

  /** Reports an `INFO` finding. */
  info(code: FmuFindingCode, text: string, location?: FmuLocation): void {
    this.report("INFO", code, text, location);
  }

  private report(
    severity: Severity,
    code: FmuFindingCode,
    text: string,
    location: FmuLocation | undefined,
  ): void {
    if (severity === "ERROR") this.errorCount += 1;
    const where =
      location && Object.values(location).some((value) => value !== undefined && value !== null)
        ? { file_role: "fmu", ...location }
        : null;
    this.sink.finding({
      severity,
      code,
      text: withoutControls(text),
      location: where,
      tags: ["fmu"],
    });
  }
}

/** What `collectReports()` gathered. */
export interface CollectedReports extends FmuReportSink {
  findings: FindingInput[];
  metrics: MetricInput[];
  artifacts: ArtifactInput[];
  logs: string[];
}

/** A sink that keeps everything in arrays: for tests and for running the core alone. */
export function collectReports(): CollectedReports {
  const collected: CollectedReports = {
    findings: [],
    metrics: [],
    artifacts: [],
    logs: [],
    finding: (finding) => collected.findings.push(finding),
    metric: (metric) => collected.metrics.push(metric),
    artifact: (artifact) => collected.artifacts.push(artifact),
    log: (message) => collected.logs.push(message),
  };
  return collected;
}

/**
 * A message without control characters (NUL and the rest of C0 but tab and line feed, and
 * DEL): texts quote FMU names, XML and parser errors, which an upload controls.
 */
export function withoutControls(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: these are what is removed
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, "");
}
