import { z } from "zod";
import { Severity, ValidationStatus, ValidatorType } from "../enums";
import { MessageLocation } from "../output-envelope";
import { AssertionCounts, AssertionResult } from "../ruleset";

/** A run's lifecycle: `PENDING` -> `RUNNING` -> `SUCCEEDED` | `FAILED` | `CANCELED` | `TIMED_OUT`. */
export const RunStatus = z.enum([
  "PENDING",
  "RUNNING",
  "SUCCEEDED",
  "FAILED",
  "CANCELED",
  "TIMED_OUT",
]);
/** A run's lifecycle state. */
export type RunStatus = z.infer<typeof RunStatus>;

/** The states a run never leaves. */
export const TERMINAL_RUN_STATUSES: readonly RunStatus[] = [
  "SUCCEEDED",
  "FAILED",
  "CANCELED",
  "TIMED_OUT",
];

/** Whether `status` is terminal. */
export function isTerminalRunStatus(status: RunStatus): boolean {
  return TERMINAL_RUN_STATUSES.includes(status);
}

/** Why a `FAILED` run failed: the user's submission, time, memory, the validator, or the system. */
export const RunErrorCategory = z.enum([
  "VALIDATION_FAILED",
  "TIMEOUT",
  "OOM",
  "RUNTIME_ERROR",
  "SYSTEM_ERROR",
]);
/** Why a `FAILED` run failed. */
export type RunErrorCategory = z.infer<typeof RunErrorCategory>;

/** A file a run was submitted with, as stored in its bundle. */
export const RunFile = z.object({
  port_key: z.string(),
  name: z.string(),
  mime_type: z.string(),
  size_bytes: z.number().int().min(0),
  sha256: z.string(),
});
/** A file a run was submitted with. */
export type RunFile = z.infer<typeof RunFile>;

/** One finding of a run: a validator's message with a stable id. */
export const Finding = z.object({
  id: z.string(),
  severity: Severity,
  code: z.string().nullable(),
  message: z.string(),
  location: MessageLocation.nullable(),
  tags: z.array(z.string()),
});
/** One finding of a run. */
export type Finding = z.infer<typeof Finding>;

/** One metric of a run. */
export const Metric = z.object({
  name: z.string(),
  value: z.union([z.number(), z.string()]),
  unit: z.string().nullable(),
  category: z.string().nullable(),
  tags: z.array(z.string()),
});
/** One metric of a run. */
export type Metric = z.infer<typeof Metric>;

/** One artifact of a run; its bytes come from the artifact download route. */
export const Artifact = z.object({
  name: z.string(),
  type: z.string(),
  mime_type: z.string().nullable(),
  size_bytes: z.number().int().min(0),
  sha256: z.string(),
});
/** One artifact of a run. */
export type Artifact = z.infer<typeof Artifact>;

/** Counts of a run's findings by severity. */
export const FindingCounts = z.object({
  INFO: z.number().int().min(0),
  WARNING: z.number().int().min(0),
  ERROR: z.number().int().min(0),
});
/** Counts of a run's findings by severity. */
export type FindingCounts = z.infer<typeof FindingCounts>;

/** A run as the runs API shows it. Times are ISO 8601 UTC. */
export const Run = z.object({
  id: z.string(),
  validator_id: z.string(),
  validator_type: ValidatorType,
  status: RunStatus,
  error_category: RunErrorCategory.nullable(),
  error_message: z.string().nullable(),
  result_status: ValidationStatus.nullable(),
  org_id: z.string(),
  inputs: z.record(z.string(), z.unknown()),
  files: z.array(RunFile),
  attempt_count: z.number().int().min(0),
  created_at: z.string(),
  updated_at: z.string(),
  started_at: z.string().nullable(),
  finished_at: z.string().nullable(),
  deadline_at: z.string().nullable(),
  finding_counts: FindingCounts,
  metrics: z.array(Metric),
  artifacts: z.array(Artifact),
  /** Counts of the run's assertion results (all zero when no ruleset applied). */
  assertions: AssertionCounts,
  /** Each assertion's result, input stage first. */
  assertion_results: z.array(AssertionResult),
  /** SHA-256 of the canonical JSON of the rulesets applied, in order; null when none. */
  ruleset_sha256: z.string().nullable(),
});
/** A run as the runs API shows it. */
export type Run = z.infer<typeof Run>;

/** A file port a validator declares: which key, required or not, which MIME types. */
export const FilePort = z.object({
  port_key: z.string(),
  required: z.boolean(),
  mime_types: z.array(z.string()),
  role: z.string().nullable(),
  resource: z.boolean(),
  max_bytes: z.number().int().positive().nullable(),
});
/** A file port a validator declares. */
export type FilePort = z.infer<typeof FilePort>;

/** A validator the server offers. */
export const ValidatorDescriptor = z.object({
  id: z.string(),
  type: ValidatorType,
  version: z.string(),
  title: z.string(),
  file_ports: z.array(FilePort),
  inputs_schema: z.record(z.string(), z.unknown()).nullable(),
});
/** A validator the server offers. */
export type ValidatorDescriptor = z.infer<typeof ValidatorDescriptor>;

/** A page of runs; pass `next_cursor` back as `cursor` for the next page. */
export const RunPage = z.object({ items: z.array(Run), next_cursor: z.string().nullable() });
/** A page of runs. */
export type RunPage = z.infer<typeof RunPage>;
