import { type Context, context, trace } from "@opentelemetry/api";
import type { RequestHeaders } from "../auth/types";
import { parseTraceparent } from "./trace-context";

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Where a callback's `handle callback` span hangs, from the request's headers. */
export interface CallbackParent {
  parent: Context;
  /** True when the parent is the sender's span from `traceparent`. */
  remote: boolean;
  /** True when the span starts a trace of its own (no `traceparent`, nothing active). */
  orphan: boolean;
}

/**
 * The parent of a callback's span: the job's `callback` span named by `traceparent`, unless an
 * HTTP instrumentation already made an active span in that trace (then that one, so the span
 * nests under the HTTP server span). With no valid `traceparent` the span starts a new trace
 * (or nests under whatever is active): the run id on it links it to the run.
 */
export function callbackParent(headers: RequestHeaders): CallbackParent {
  const active = context.active();
  const activeSpan = trace.getSpanContext(active);
  const remote = parseTraceparent(first(headers.traceparent), first(headers.tracestate));
  if (!remote) return { parent: active, remote: false, orphan: activeSpan === undefined };
  if (activeSpan && activeSpan.traceId === remote.traceId) {
    return { parent: active, remote: false, orphan: false };
  }
  return { parent: trace.setSpanContext(active, remote), remote: true, orphan: false };
}
