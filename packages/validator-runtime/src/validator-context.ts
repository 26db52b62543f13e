import { basename } from "node:path";
import {
  type AnyInputEnvelope,
  describeZodIssues,
  isSafeLeafName,
  ValidationMessage,
  ValidationMetric,
  ValidibotError,
} from "@validibot/contracts";
import type { Logger } from "./log";
import type { ProcessSupervisor } from "./process-supervisor";
import type { ArtifactInput, StagedFile, ValidatorContext } from "./types";

/** What a validator reported through its context. */
export interface Reported {
  messages: ValidationMessage[];
  metrics: ValidationMetric[];
  artifacts: ArtifactInput[];
}

/** What `createValidatorContext` needs. */
export interface ValidatorContextParts<I> {
  envelope: AnyInputEnvelope;
  inputs: I;
  files: StagedFile[];
  scratchDir: string;
  outputsDir: string;
  signal: AbortSignal;
  deadline: Date;
  supervisor: ProcessSupervisor;
  log: Logger;
  /** Where reports go. Default: a new, empty record. */
  reported?: Reported;
}

/**
 * Builds the context a validator's `run` gets, and the record of what it reports. Each report is
 * checked as it is made (a bad finding throws at the call that made it, not when the envelope is
 * written); reports made after `seal()` (a run that ignored cancellation) are dropped.
 */
export function createValidatorContext<I>(parts: ValidatorContextParts<I>): {
  ctx: ValidatorContext<I>;
  reported: Reported;
  seal(): void;
} {
  const reported: Reported = parts.reported ?? { messages: [], metrics: [], artifacts: [] };
  let sealed = false;
  const accept = (what: string): boolean => {
    if (sealed) parts.log(`ignored a ${what} reported after the attempt ended`);
    return !sealed;
  };
  const optionalFile = (portKey: string) => parts.files.find((f) => f.port_key === portKey);
  const ctx: ValidatorContext<I> = {
    envelope: parts.envelope,
    inputs: parts.inputs,
    files: parts.files,
    file(portKey) {
      const found = optionalFile(portKey);
      if (found === undefined) {
        const ports = [...new Set(parts.files.map((f) => f.port_key))];
        throw new ValidibotError(
          "file_missing",
          `no file was submitted for port ${JSON.stringify(portKey)} (ports with files: ${ports.length > 0 ? ports.join(", ") : "none"})`,
        );
      }
      return found;
    },
    optionalFile,
    scratchDir: parts.scratchDir,
    outputsDir: parts.outputsDir,
    signal: parts.signal,
    deadline: parts.deadline,
    runProcess: (command, args, options) => parts.supervisor.run(command, args, options),
    finding(finding) {
      const parsed = ValidationMessage.safeParse({
        ...finding,
        location: finding.location ?? null,
      });
      if (!parsed.success) {
        throw new ValidibotError(
          "invalid_request",
          `ctx.finding: ${describeZodIssues(parsed.error)}`,
        );
      }
      if (accept("finding")) reported.messages.push(parsed.data);
    },
    metric(metric) {
      if (typeof metric.value === "number" && !Number.isFinite(metric.value)) {
        throw new ValidibotError(
          "invalid_request",
          `ctx.metric: the value of ${JSON.stringify(metric.name)} must be a finite number, got ${metric.value}`,
        );
      }
      const parsed = ValidationMetric.safeParse(metric);
      if (!parsed.success) {
        throw new ValidibotError(
          "invalid_request",
          `ctx.metric: ${describeZodIssues(parsed.error)}`,
        );
      }
      if (accept("metric")) reported.metrics.push(parsed.data);
    },
    artifact(artifact) {
      const name = artifact.name ?? basename(artifact.path);
      if (!isSafeLeafName(name)) {
        throw new ValidibotError(
          "file_unsafe_name",
          `ctx.artifact: ${JSON.stringify(name)} is not a safe file name`,
        );
      }
      if (typeof artifact.type !== "string" || artifact.type === "") {
        throw new ValidibotError("invalid_request", "ctx.artifact: type is required");
      }
      if (accept("artifact")) reported.artifacts.push({ ...artifact, name });
    },
    log: (message) => parts.log(message),
  };
  return {
    ctx,
    reported,
    seal: () => {
      sealed = true;
    },
  };
}
