/**
 * The span attribute names Validibot sets, in one place so the host and the job agree. They name
 * runs, attempts, validators, launchers, statuses and error codes only: never file contents,
 * tokens or nonces.
 */
export const SPAN_ATTRIBUTES = {
  runId: "validibot.run_id",
  attemptId: "validibot.attempt_id",
  validatorId: "validibot.validator.id",
  validatorType: "validibot.validator.type",
  validatorVersion: "validibot.validator.version",
  launcher: "validibot.launcher",
  executionRef: "validibot.execution_ref",
  status: "validibot.status",
  errorCode: "validibot.error_code",
  callbackOutcome: "validibot.callback.outcome",
  /** Set on a `handle callback` span that had no `traceparent`: it starts a trace of its own. */
  traceOrphan: "validibot.trace.orphan",
} as const;

/** Attribute values a span takes: strings, numbers, booleans; null and undefined are left out. */
export type SpanAttributeInput = Record<string, string | number | boolean | null | undefined>;

/** `attributes` without its null and undefined entries. */
export function definedAttributes(
  attributes: SpanAttributeInput,
): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== null && value !== undefined) out[name] = value;
  }
  return out;
}

/** The run, attempt and validator attributes of a run's spans. */
export function runAttributes(run: {
  id: string;
  validator_id?: string;
  validator_type?: string;
  validator_version?: string;
  attemptId?: string | null;
}): Record<string, string | number | boolean> {
  return definedAttributes({
    [SPAN_ATTRIBUTES.runId]: run.id,
    [SPAN_ATTRIBUTES.attemptId]: run.attemptId,
    [SPAN_ATTRIBUTES.validatorId]: run.validator_id,
    [SPAN_ATTRIBUTES.validatorType]: run.validator_type,
    [SPAN_ATTRIBUTES.validatorVersion]: run.validator_version,
  });
}
