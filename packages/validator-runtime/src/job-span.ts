import type { Span } from "@opentelemetry/api";
import {
  contextFromCarrier,
  inSpan,
  SPAN_ATTRIBUTES,
  SpanKind,
  validibotTracer,
} from "@validibot/sdk/telemetry";
import type { RuntimeEnvironment } from "./runtime-env";

/** The instrumentation scope of the job's spans. */
export const RUNTIME_TRACER_NAME = "@validibot/validator-runtime";

/**
 * Runs one attempt inside the job's `job` span: a child of the host's `launch` span when the
 * launcher passed `TRACEPARENT`, else the root of a trace of its own. A no-op span unless an
 * OTel SDK is registered in this process.
 */
export function jobSpan<T>(
  env: RuntimeEnvironment,
  validator: { type: string; version: string },
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  const parent = contextFromCarrier({ traceparent: env.traceparent, tracestate: env.tracestate });
  return inSpan(
    "job",
    {
      [SPAN_ATTRIBUTES.validatorType]: validator.type,
      [SPAN_ATTRIBUTES.validatorVersion]: validator.version,
    },
    fn,
    {
      kind: SpanKind.CONSUMER,
      tracer: validibotTracer(RUNTIME_TRACER_NAME),
      ...(parent ? { parent } : {}),
    },
  );
}
