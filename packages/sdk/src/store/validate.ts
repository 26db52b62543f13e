import {
  Artifact,
  AssertionResult,
  Finding,
  MessageLocation,
  Metric,
  Ruleset,
  RunErrorCategory,
  RunFile,
  RunStatus,
  Sha256Hex,
  TERMINAL_RUN_STATUSES,
  ValidationStatus,
  ValidatorType,
  ValidibotError,
} from "@validibot/contracts";
import { z } from "zod";
import type {
  ArtifactRecord,
  AttemptRecord,
  FindingRecord,
  MetricRecord,
  RunRecord,
} from "../model";
import type { CallbackCompletion } from "./types";

/** The run statuses `listOverdueRuns` looks at: every status that is not terminal. */
export const ACTIVE_RUN_STATUSES: readonly RunStatus[] = RunStatus.options.filter(
  (status) => !TERMINAL_RUN_STATUSES.includes(status),
);

/** Largest page `listRuns` and `listOverdueRuns` return at once. */
export const MAX_PAGE_SIZE = 1000;

// PostgreSQL text cannot hold NUL; refusing it everywhere keeps every store alike.
const Text = z.string().refine((s) => !s.includes("\u0000"), "must not contain NUL characters");
const Id = Text.pipe(z.string().min(1));

/** An ISO 8601 instant with a zone, normalised to `Date.toISOString()` so text order is time order. */
const Instant = z
  .string()
  .datetime({ offset: true })
  .transform((value) => new Date(value).toISOString());

/** Any JSON value, normalised through JSON so every store keeps exactly what JSON can carry. */
function jsonOf<T extends z.ZodTypeAny>(schema: T) {
  return schema.transform((value, ctx) => {
    try {
      return JSON.parse(JSON.stringify(value)) as z.output<T>;
    } catch (error) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `not JSON: ${String(error)}` });
      return z.NEVER;
    }
  });
}

const RunRecordSchema = z
  .object({
    id: Id,
    org_id: Text,
    org_name: Text,
    workflow_id: Text,
    step_id: Text,
    step_name: Text.nullable(),
    step_run_id: Text,
    validator_id: Text,
    validator_type: ValidatorType,
    validator_version: Text,
    status: RunStatus,
    error_category: RunErrorCategory.nullable(),
    error_message: Text.nullable(),
    result_status: ValidationStatus.nullable(),
    inputs: jsonOf(z.record(z.string(), z.unknown())),
    files: jsonOf(z.array(RunFile.strict())),
    tags: jsonOf(z.array(z.string())),
    current_attempt_id: Id.nullable(),
    attempt_count: z.number().int().min(0),
    created_at: Instant,
    updated_at: Instant,
    started_at: Instant.nullable(),
    finished_at: Instant.nullable(),
    deadline_at: Instant.nullable(),
    trace_id: z
      .string()
      .regex(/^[0-9a-f]{32}$/, "must be a W3C trace id (32 lowercase hex digits)")
      .nullable()
      .default(null),
    // Defaults keep runs written before rulesets existed, and writers that know none, valid.
    rulesets: jsonOf(z.array(Ruleset)).default([]),
    ruleset_sha256: Sha256Hex.nullable().default(null),
    assertion_results: jsonOf(z.array(AssertionResult.strict())).default([]),
  })
  .strict();

const AttemptStatus = z.enum([
  "PENDING",
  "LAUNCHED",
  "COMPLETED",
  "LAUNCH_FAILED",
  "CANCELED",
  "TIMED_OUT",
]);

const AttemptRecordSchema = z
  .object({
    id: Id,
    run_id: Id,
    number: z.number().int().min(1),
    status: AttemptStatus,
    callback_id: Id,
    nonce_commitment: Text,
    bundle_uri: Text,
    input_uri: Text,
    output_uri: Text,
    input_sha256: Text,
    timeout_seconds: z.number().int().min(0),
    launcher: Text.nullable(),
    execution_ref: Text.nullable(),
    launch_error: Text.nullable(),
    stdout_tail: Text.nullable(),
    stderr_tail: Text.nullable(),
    created_at: Instant,
    launched_at: Instant.nullable(),
    finished_at: Instant.nullable(),
  })
  .strict();

const Owner = { run_id: Id, attempt_id: Id };
const Seq = z.number().int().min(0);

const FindingRecordSchema = Finding.extend({
  ...Owner,
  id: Text,
  code: Text.nullable(),
  message: Text,
  location: jsonOf(MessageLocation.nullable()),
  tags: jsonOf(z.array(z.string())),
  seq: Seq,
}).strict();

const MetricRecordSchema = Metric.extend({
  ...Owner,
  name: Text,
  value: z.union([z.number().finite(), z.string()]),
  unit: Text.nullable(),
  category: Text.nullable(),
  tags: jsonOf(z.array(z.string())),
  seq: Seq,
}).strict();

const ArtifactRecordSchema = Artifact.extend({
  ...Owner,
  name: Text,
  type: Text,
  mime_type: Text.nullable(),
  sha256: Text,
  uri: Text,
  storage_version: Text,
}).strict();

const CompletionSchema = z
  .object({
    callback_id: Id,
    run_id: Id,
    attempt_id: Id,
    outcome: Text.pipe(z.string().min(1)),
    runPatch: RunRecordSchema.partial().nullable(),
    expectRunStatus: z.array(RunStatus),
    attemptPatch: AttemptRecordSchema.partial().nullable(),
    findings: z.array(FindingRecordSchema),
    metrics: z.array(MetricRecordSchema),
    artifacts: z.array(ArtifactRecordSchema),
  })
  .strict();

function invalid(what: string, message: string, details?: Record<string, unknown>): never {
  throw new ValidibotError("invalid_request", `invalid ${what}: ${message}`, { details });
}

function parseWith<T extends z.ZodTypeAny>(schema: T, value: unknown, what: string): z.output<T> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issues = result.error.issues.map((issue) => ({
      path: issue.path.join("."),
      message: issue.message,
    }));
    const first = issues[0];
    invalid(what, first ? `${first.path || "(root)"}: ${first.message}` : "rejected", { issues });
  }
  return result.data;
}

/** Drops keys whose value is `undefined`, so a patch never writes them. */
function defined<T extends object>(patch: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(patch).filter(([, value]) => value !== undefined),
  ) as Partial<T>;
}

function keepImmutable(
  patch: Record<string, unknown>,
  fixed: Record<string, string>,
  what: string,
) {
  for (const [key, value] of Object.entries(fixed)) {
    if (key in patch && patch[key] !== value) invalid(what, `${key} cannot be changed`);
  }
  for (const key of Object.keys(fixed)) delete patch[key];
}

/** A run checked and normalised for storing; throws `invalid_request`. */
export function parseRun(run: RunRecord): RunRecord {
  return parseWith(RunRecordSchema, run, "run");
}

/** A run patch checked and normalised (its `id`, if given, must be the run's own). */
export function parseRunPatch(id: string, patch: Partial<RunRecord>): Partial<RunRecord> {
  const parsed = defined(parseWith(RunRecordSchema.partial(), patch, "run patch"));
  keepImmutable(parsed, { id }, "run patch");
  return parsed;
}

/** An attempt checked and normalised for storing; throws `invalid_request`. */
export function parseAttempt(attempt: AttemptRecord): AttemptRecord {
  return parseWith(AttemptRecordSchema, attempt, "attempt");
}

/** An attempt patch checked and normalised (its `id`, if given, must be the attempt's own). */
export function parseAttemptPatch(
  id: string,
  patch: Partial<AttemptRecord>,
): Partial<AttemptRecord> {
  const parsed = defined(parseWith(AttemptRecordSchema.partial(), patch, "attempt patch"));
  keepImmutable(parsed, { id }, "attempt patch");
  return parsed;
}

/** Refuses a patch that moves `attempt` to another run or callback id; drops those keys. */
export function keepAttemptIdentity(
  attempt: Pick<AttemptRecord, "run_id" | "callback_id">,
  patch: Partial<AttemptRecord>,
): Partial<AttemptRecord> {
  const checked: Record<string, unknown> = { ...patch };
  keepImmutable(
    checked,
    { run_id: attempt.run_id, callback_id: attempt.callback_id },
    "attempt patch",
  );
  return checked as Partial<AttemptRecord>;
}

/** A completed callback checked: every result belongs to its run and attempt, `seq` unique. */
export function parseCompletion(completion: CallbackCompletion): CallbackCompletion {
  const parsed = parseWith(CompletionSchema, completion, "callback completion");
  const owner = { run_id: parsed.run_id, attempt_id: parsed.attempt_id };
  const lists = { findings: parsed.findings, metrics: parsed.metrics, artifacts: parsed.artifacts };
  for (const [name, items] of Object.entries(lists)) {
    for (const item of items) {
      if (item.run_id !== owner.run_id || item.attempt_id !== owner.attempt_id) {
        invalid("callback completion", `${name} must belong to run and attempt of the callback`);
      }
    }
  }
  for (const [name, items] of Object.entries({
    findings: parsed.findings,
    metrics: parsed.metrics,
  })) {
    if (new Set(items.map((item) => item.seq)).size !== items.length) {
      invalid("callback completion", `${name} repeat a seq`);
    }
  }
  const runPatch = parsed.runPatch === null ? null : defined(parsed.runPatch);
  if (runPatch) keepImmutable(runPatch, { id: parsed.run_id }, "callback completion run patch");
  const attemptPatch = parsed.attemptPatch === null ? null : defined(parsed.attemptPatch);
  if (attemptPatch) {
    keepImmutable(
      attemptPatch,
      { id: parsed.attempt_id, run_id: parsed.run_id, callback_id: parsed.callback_id },
      "callback completion attempt patch",
    );
  }
  return { ...parsed, runPatch, attemptPatch };
}

/** An instant argument (`now`, `leaseUntil`), normalised; throws `invalid_request`. */
export function parseInstant(value: string, what: string): string {
  return parseWith(Instant, value, what);
}

/** A page size: an integer from 1 to `MAX_PAGE_SIZE`; `fallback` when absent. */
export function parseLimit(limit: number | undefined, fallback: number): number {
  if (limit === undefined) return fallback;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    invalid("limit", `must be an integer from 1 to ${MAX_PAGE_SIZE}`);
  }
  return limit;
}

/** A staleness window in milliseconds: finite and not negative. */
export function parseStaleAfter(ms: number): number {
  if (!Number.isFinite(ms) || ms < 0) invalid("staleAfterMs", "must be a finite number >= 0");
  return ms;
}

/** A run status list (`expectStatus`), checked. */
export function parseStatuses(statuses: RunStatus[], what: string): RunStatus[] {
  return parseWith(z.array(RunStatus), statuses, what);
}

/** An id argument: a non-empty string without NUL. */
export function parseId(id: string, what: string): string {
  return parseWith(Id, id, what);
}

// The schemas must produce the model's records: these fail to compile when they drift apart.
type Produces<S extends z.ZodTypeAny, T> = z.output<S> extends T ? true : never;
const schemasMatchModel: [
  Produces<typeof RunRecordSchema, RunRecord>,
  Produces<typeof AttemptRecordSchema, AttemptRecord>,
  Produces<typeof FindingRecordSchema, FindingRecord>,
  Produces<typeof MetricRecordSchema, MetricRecord>,
  Produces<typeof ArtifactRecordSchema, ArtifactRecord>,
] = [true, true, true, true, true];
void schemasMatchModel;
