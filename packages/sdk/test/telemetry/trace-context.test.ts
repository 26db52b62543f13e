import { ROOT_CONTEXT, TraceFlags, trace } from "@opentelemetry/api";
import { describe, expect, it } from "vitest";
import { contractEnv } from "../../src/launchers/contract-env";
import {
  contextFromCarrier,
  parseTraceparent,
  traceCarrierOf,
} from "../../src/telemetry/trace-context";

const TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
const SPAN_ID = "00f067aa0ba902b7";

describe("W3C trace context", () => {
  it("writes a span's traceparent and reads it back as a remote parent", () => {
    const span = trace.wrapSpanContext({
      traceId: TRACE_ID,
      spanId: SPAN_ID,
      traceFlags: TraceFlags.SAMPLED,
    });
    const carrier = traceCarrierOf(span);
    expect(carrier).toEqual({ traceparent: `00-${TRACE_ID}-${SPAN_ID}-01` });
    const parsed = parseTraceparent(carrier?.traceparent, "vendor=abc");
    expect(parsed).toMatchObject({
      traceId: TRACE_ID,
      spanId: SPAN_ID,
      traceFlags: 1,
      isRemote: true,
    });
    expect(parsed?.traceState?.get("vendor")).toBe("abc");
    const ctx = contextFromCarrier({ traceparent: carrier?.traceparent });
    expect(ctx && trace.getSpanContext(ctx)?.traceId).toBe(TRACE_ID);
  });

  it("refuses malformed, all-zero and version ff traceparents (a new trace starts instead)", () => {
    for (const bad of [
      undefined,
      "",
      "garbage",
      `00-${"0".repeat(32)}-${SPAN_ID}-01`,
      `00-${TRACE_ID}-${"0".repeat(16)}-01`,
      `ff-${TRACE_ID}-${SPAN_ID}-01`,
      `00-${TRACE_ID}-${SPAN_ID}-01-extra`,
    ]) {
      expect(parseTraceparent(bad)).toBeNull();
    }
    expect(contextFromCarrier({ traceparent: "garbage" })).toBeNull();
  });

  it("has no carrier for the API's no-op span (tracing off)", () => {
    expect(traceCarrierOf(trace.getSpan(ROOT_CONTEXT))).toBeNull();
    expect(
      traceCarrierOf(
        trace.wrapSpanContext({ traceId: "0".repeat(32), spanId: SPAN_ID, traceFlags: 0 }),
      ),
    ).toBeNull();
  });

  it("puts TRACEPARENT and TRACESTATE in every launcher's job environment when traced", () => {
    const request = { inputUri: "file:///b/input.json", outputUri: "file:///b/output.json" };
    const traced = contractEnv(
      {
        ...request,
        traceContext: { traceparent: `00-${TRACE_ID}-${SPAN_ID}-01`, tracestate: "a=b" },
      },
      { deploymentTarget: "self_hosted" },
    );
    expect(traced.TRACEPARENT).toBe(`00-${TRACE_ID}-${SPAN_ID}-01`);
    expect(traced.TRACESTATE).toBe("a=b");
    const untraced = contractEnv(request, { deploymentTarget: "self_hosted" });
    expect(Object.keys(untraced)).not.toContain("TRACEPARENT");
  });
});
