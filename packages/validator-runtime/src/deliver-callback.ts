import {
  type AnyOutputEnvelope,
  callbacksEnabled,
  type ExecutionContext,
  ValidationCallback,
} from "@validibot/contracts";
import { inSpan, traceCarrierOf } from "@validibot/sdk/telemetry";
import { authorizerFor } from "./callback-auth";
import { type CallbackDelivery, type CallbackOptions, sendCallback } from "./callback-sender";
import { errorMessage, type Logger } from "./log";
import type { RuntimeEnvironment } from "./runtime-env";

/** How the callback step of an attempt ended. */
export type CallbackResult = CallbackDelivery["outcome"] | "skipped";

/**
 * Posts the callback for a written `output.json`, or skips it when the context turns callbacks
 * off (`skip_callback`, or no `callback_url`). The body is exactly the five contract fields.
 */
export async function deliverCallback(
  context: ExecutionContext,
  output: AnyOutputEnvelope,
  env: RuntimeEnvironment,
  log: Logger,
  retry: CallbackOptions | undefined,
): Promise<{ result: CallbackResult; error: string | null }> {
  if (!callbacksEnabled(context) || context.callback_url === null) {
    log("callback skipped (callbacks are off for this attempt)");
    return { result: "skipped", error: null };
  }
  const body = ValidationCallback.parse({
    run_id: output.run_id,
    callback_id: context.callback_id,
    callback_nonce: context.callback_nonce,
    status: output.status,
    result_uri: context.expected_output_uri,
  });
  let authorize: ReturnType<typeof authorizerFor>;
  try {
    authorize = authorizerFor(env, context.callback_url);
  } catch (error) {
    log(errorMessage(error));
    return { result: "undeliverable", error: errorMessage(error) };
  }
  const url = context.callback_url;
  const delivery = await inSpan("callback", {}, (span) => {
    const carrier = traceCarrierOf(span);
    const headers: Record<string, string> = carrier ? { traceparent: carrier.traceparent } : {};
    if (carrier?.tracestate) headers.tracestate = carrier.tracestate;
    return sendCallback(url, body, authorize, log, retry, headers);
  });
  if (delivery.outcome === "delivered") return { result: "delivered", error: null };
  if (delivery.outcome === "rejected") {
    return {
      result: "rejected",
      error: `the host rejected the callback with HTTP ${delivery.statusCode}: ${delivery.body}`,
    };
  }
  return {
    result: "undeliverable",
    error: `the callback could not be delivered after ${delivery.tries} tries: ${delivery.lastError}`,
  };
}
