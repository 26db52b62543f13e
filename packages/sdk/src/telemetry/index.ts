export {
  definedAttributes,
  runAttributes,
  SPAN_ATTRIBUTES,
  type SpanAttributeInput,
} from "./attributes";
export {
  inSpan,
  inSpanSync,
  recordSpanError,
  SDK_TRACER_NAME,
  SpanKind,
  type SpanOptions,
  validibotTracer,
} from "./spans";
export {
  contextFromCarrier,
  parseTraceparent,
  TRACE_ENV,
  type TraceCarrier,
  traceCarrierOf,
  traceEnv,
  traceIdOf,
} from "./trace-context";
