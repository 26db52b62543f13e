import type { Span } from "@opentelemetry/api";
import {
  type CallbackAccepted,
  describeZodIssues,
  type ErrorBody,
  nonceMatchesCommitment,
  ValidationCallback,
  ValidibotError,
} from "@validibot/contracts";
import type { RequestHeaders } from "../auth/types";
import { SPAN_ATTRIBUTES } from "../telemetry/attributes";
import { callbackParent } from "../telemetry/callback-parent";
import { inSpan, recordSpanError, SpanKind } from "../telemetry/spans";
import type { TraceCarrier } from "../telemetry/trace-context";
import type { ServiceDeps } from "./deps";
import { asValidibotError } from "./launch";
import { processResult, type ResultOutcome, resultKeyInBundle } from "./process-result";

/** A callback request, framework-free: lowercase headers and the body as bytes, text or parsed JSON. */
export interface CallbackRequest {
  headers: RequestHeaders;
  body: unknown;
}

/** The HTTP answer to a callback: 200 with how it was taken, or an error body with its status. */
export type CallbackResponse =
  | { status: 200; body: CallbackAccepted }
  | { status: number; body: ErrorBody };

function parseCallbackBody(body: unknown): ValidationCallback {
  let value = body;
  if (value instanceof Uint8Array) value = Buffer.from(value).toString("utf8");
  if (typeof value === "string") {
    try {
      value = JSON.parse(value);
    } catch {
      throw new ValidibotError("invalid_json", "the callback body is not valid JSON");
    }
  }
  const parsed = ValidationCallback.safeParse(value);
  if (!parsed.success) {
    const issues = describeZodIssues(parsed.error);
    throw new ValidibotError(
      "invalid_request",
      `the callback body does not fit the contract: ${issues}`,
    );
  }
  return parsed.data;
}

/**
 * The `callback_id` a body claims, read leniently before authentication (a per-attempt credential
 * is checked against it); null when there is none. The body is parsed strictly afterwards.
 */
function claimedCallbackId(body: unknown): string | null {
  let value = body;
  try {
    if (value instanceof Uint8Array) value = Buffer.from(value).toString("utf8");
    if (typeof value === "string") value = JSON.parse(value);
  } catch {
    return null;
  }
  const id = (value as { callback_id?: unknown } | null)?.callback_id;
  return typeof id === "string" ? id : null;
}

/**
 * Checks a parsed callback against its attempt (known `callback_id`, same run, the nonce
 * matching the stored commitment in constant time, `result_uri` inside the bundle) and processes
 * its result. Authentication is the caller's job.
 */
export async function acceptCallback(
  deps: ServiceDeps,
  callback: ValidationCallback,
  span?: Span,
): Promise<ResultOutcome> {
  span?.setAttributes({
    [SPAN_ATTRIBUTES.runId]: callback.run_id,
    [SPAN_ATTRIBUTES.status]: callback.status,
  });
  const attempt = await deps.store.getAttemptByCallbackId(callback.callback_id);
  if (!attempt) throw new ValidibotError("callback_unknown", "no attempt has this callback_id");
  span?.setAttribute(SPAN_ATTRIBUTES.attemptId, attempt.id);
  if (attempt.run_id !== callback.run_id) {
    throw new ValidibotError("callback_run_mismatch", "callback_id does not belong to run_id");
  }
  if (!nonceMatchesCommitment(callback.callback_nonce, attempt.nonce_commitment)) {
    throw new ValidibotError(
      "callback_nonce_mismatch",
      "the callback nonce does not match this attempt",
    );
  }
  const resultKey = resultKeyInBundle(deps, attempt, callback.result_uri);
  return processResult(deps, attempt, resultKey);
}

/**
 * Handles a callback request end to end: authenticate, parse, check, process. Never throws:
 * every failure is an error body with its stable code and status (4xx: the sender's fault, do
 * not retry; 409 and 5xx: retry later).
 */
export function handleCallbackRequest(
  deps: ServiceDeps,
  request: CallbackRequest,
): Promise<CallbackResponse> {
  const { parent, remote, orphan } = callbackParent(request.headers);
  return inSpan(
    "handle callback",
    { [SPAN_ATTRIBUTES.traceOrphan]: orphan || undefined },
    (span) => handleInSpan(deps, request, span),
    { parent, kind: remote ? SpanKind.SERVER : SpanKind.INTERNAL },
  );
}

async function handleInSpan(
  deps: ServiceDeps,
  request: CallbackRequest,
  span: Span,
): Promise<CallbackResponse> {
  let callbackId: string | null = null;
  try {
    await inSpan("authenticate", {}, () =>
      deps.authenticator.authenticate(request.headers, {
        callbackId: claimedCallbackId(request.body),
      }),
    );
    const callback = parseCallbackBody(request.body);
    callbackId = callback.callback_id;
    const outcome = await acceptCallback(deps, callback, span);
    span.setAttribute(SPAN_ATTRIBUTES.callbackOutcome, outcome);
    deps.events.emit("callback.processed", {
      outcome,
      run_id: callback.run_id,
      callback_id: callback.callback_id,
    });
    return { status: 200, body: { status: outcome } };
  } catch (caught) {
    const error = asValidibotError(caught);
    recordSpanError(span, error);
    span.setAttribute(SPAN_ATTRIBUTES.callbackOutcome, "refused");
    const fields = { code: error.code, callback_id: callbackId };
    if (error.status >= 500) deps.logger.error(fields, `callback failed: ${error.message}`);
    else deps.logger.warn(fields, `callback refused: ${error.message}`);
    if (error.status < 500 && error.code !== "callback_in_progress") {
      deps.events.emit("callback.rejected", {
        code: error.code,
        message: error.message,
        callback_id: callbackId,
      });
    }
    return { status: error.status, body: error.toBody() };
  }
}

/**
 * Takes a callback delivered in-process (the mock launcher's), as `handleCallbackRequest` does
 * one from the network but without authentication: inside a `handle callback` span whose parent
 * is `trace` when given. Throws the check's error.
 */
export function acceptInProcessCallback(
  deps: ServiceDeps,
  body: ValidationCallback,
  trace: TraceCarrier | undefined,
): Promise<ResultOutcome> {
  const headers: RequestHeaders = trace
    ? { traceparent: trace.traceparent, tracestate: trace.tracestate }
    : {};
  const { parent, orphan } = callbackParent(headers);
  return inSpan(
    "handle callback",
    { [SPAN_ATTRIBUTES.traceOrphan]: orphan || undefined },
    async (span) => {
      const outcome = await acceptCallback(deps, body, span);
      span.setAttribute(SPAN_ATTRIBUTES.callbackOutcome, outcome);
      deps.events.emit("callback.processed", {
        outcome,
        run_id: body.run_id,
        callback_id: body.callback_id,
      });
      return outcome;
    },
    { parent },
  );
}
