import {
  type Context,
  context,
  type Link,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from "@opentelemetry/api";
import { definedAttributes, SPAN_ATTRIBUTES, type SpanAttributeInput } from "./attributes";

/** The instrumentation scope of the host's spans. */
export const SDK_TRACER_NAME = "@validibot/sdk";

/** How a span is started besides its name and attributes. */
export interface SpanOptions {
  /** Its parent context. Default: the active context. */
  parent?: Context;
  /** `SpanKind`. Default: internal. */
  kind?: SpanKind;
  links?: Link[];
  /** The tracer. Default: the global provider's tracer named `@validibot/sdk`. */
  tracer?: Tracer;
}

/** The global provider's tracer of `name`: a no-op until the host installs an OTel SDK. */
export function validibotTracer(name = SDK_TRACER_NAME): Tracer {
  return trace.getTracer(name);
}

function errorCodeOf(error: unknown): string | undefined {
  if (error && typeof error === "object" && "code" in error) {
    const code = (error as { code: unknown }).code;
    if (typeof code === "string") return code;
  }
  return undefined;
}

/**
 * Marks `span` failed by `error`: status ERROR with the message, the error's stable `code` as
 * `validibot.error_code`, and the exception event (type and message; the stack stays out).
 */
export function recordSpanError(span: Span, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  const code = errorCodeOf(error);
  if (code) span.setAttribute(SPAN_ATTRIBUTES.errorCode, code);
  span.recordException({ name: error instanceof Error ? error.name : "Error", message });
  span.setStatus({ code: SpanStatusCode.ERROR, message });
}

/**
 * Runs `fn` inside a new active span named `name`: the span ends when `fn` settles; a throw
 * marks it failed (see `recordSpanError`) and is rethrown. With no OTel SDK installed the span
 * is the API's no-op one and this costs a function call.
 */
export async function inSpan<T>(
  name: string,
  attributes: SpanAttributeInput,
  fn: (span: Span) => Promise<T>,
  options: SpanOptions = {},
): Promise<T> {
  const tracer = options.tracer ?? validibotTracer();
  const parent = options.parent ?? context.active();
  return tracer.startActiveSpan(
    name,
    {
      attributes: definedAttributes(attributes),
      kind: options.kind ?? SpanKind.INTERNAL,
      ...(options.links ? { links: options.links } : {}),
    },
    parent,
    async (span) => {
      try {
        return await fn(span);
      } catch (error) {
        recordSpanError(span, error);
        throw error;
      } finally {
        span.end();
      }
    },
  );
}

/** `inSpan` for synchronous work (a parser, a rule pass): same span, same error handling. */
export function inSpanSync<T>(
  name: string,
  attributes: SpanAttributeInput,
  fn: (span: Span) => T,
  options: SpanOptions = {},
): T {
  const tracer = options.tracer ?? validibotTracer();
  return tracer.startActiveSpan(
    name,
    { attributes: definedAttributes(attributes), kind: options.kind ?? SpanKind.INTERNAL },
    options.parent ?? context.active(),
    (span) => {
      try {
        return fn(span);
      } catch (error) {
        recordSpanError(span, error);
        throw error;
      } finally {
        span.end();
      }
    },
  );
}

export { SpanKind };
