import {
  type Context,
  createTraceState,
  isSpanContextValid,
  ROOT_CONTEXT,
  type Span,
  type SpanContext,
  trace,
} from "@opentelemetry/api";

/** W3C Trace Context of one span, as it crosses a process: `traceparent` and `tracestate`. */
export interface TraceCarrier {
  /** `00-<trace id>-<span id>-<flags>`. */
  traceparent: string;
  /** Vendor state; left out when the span has none. */
  tracestate?: string;
}

/** Environment variables a launcher sets in the job: the W3C names in upper case, as OTel's env carrier uses. */
export const TRACE_ENV = { traceparent: "TRACEPARENT", tracestate: "TRACESTATE" } as const;

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
// tracestate is a list of at most 32 key=value members, 512 characters by the spec's advice.
const MAX_TRACESTATE = 512;

/**
 * The carrier of `span` (or of the span in `context`), or null when it has no valid span context
 * (tracing is off: the API's no-op spans have none). Written here rather than through the
 * global propagator, so it does not depend on which propagator the host registered.
 */
export function traceCarrierOf(span: Span | undefined): TraceCarrier | null {
  if (!span) return null;
  const spanContext = span.spanContext();
  if (!isSpanContextValid(spanContext)) return null;
  const flags = (spanContext.traceFlags & 0xff).toString(16).padStart(2, "0");
  const carrier: TraceCarrier = {
    traceparent: `00-${spanContext.traceId}-${spanContext.spanId}-${flags}`,
  };
  const state = spanContext.traceState?.serialize();
  if (state) carrier.tracestate = state;
  return carrier;
}

/** The trace id of `span`, or null when it has none (tracing off). */
export function traceIdOf(span: Span | undefined): string | null {
  const spanContext = span?.spanContext();
  return spanContext && isSpanContextValid(spanContext) ? spanContext.traceId : null;
}

/**
 * Parses a `traceparent` (and `tracestate`) into a remote span context, or null when it is
 * missing or malformed (a bad header starts a new trace, it never fails the request). Version
 * `ff` and all-zero ids are invalid, as the W3C spec says.
 */
export function parseTraceparent(
  traceparent: string | null | undefined,
  tracestate?: string | null,
): SpanContext | null {
  if (typeof traceparent !== "string") return null;
  const match = TRACEPARENT.exec(traceparent.trim().toLowerCase());
  if (!match) return null;
  const [, version, traceId, spanId, flags, rest] = match;
  if (version === "ff" || (version === "00" && rest !== undefined)) return null;
  const spanContext: SpanContext = {
    traceId: traceId as string,
    spanId: spanId as string,
    traceFlags: Number.parseInt(flags as string, 16) & 0x01,
    isRemote: true,
  };
  if (!isSpanContextValid(spanContext)) return null;
  if (typeof tracestate === "string" && tracestate !== "" && tracestate.length <= MAX_TRACESTATE) {
    spanContext.traceState = createTraceState(tracestate);
  }
  return spanContext;
}

/**
 * A context whose parent is the remote span of `carrier`, or null when it carries no valid
 * `traceparent`. `base` defaults to the root context (a job or a callback starts fresh).
 */
export function contextFromCarrier(
  carrier: { traceparent?: string | null; tracestate?: string | null },
  base: Context = ROOT_CONTEXT,
): Context | null {
  const spanContext = parseTraceparent(carrier.traceparent, carrier.tracestate);
  return spanContext ? trace.setSpanContext(base, spanContext) : null;
}

/** `TRACEPARENT` / `TRACESTATE` for a job's environment, empty when there is no carrier. */
export function traceEnv(carrier: TraceCarrier | null | undefined): Record<string, string> {
  if (!carrier) return {};
  const env: Record<string, string> = { [TRACE_ENV.traceparent]: carrier.traceparent };
  if (carrier.tracestate) env[TRACE_ENV.tracestate] = carrier.tracestate;
  return env;
}
