import type { ValidationCallback } from "@validibot/contracts";
import type { Dispatcher } from "undici";
import type { CallbackAuthorizer } from "./callback-auth";
import { errorMessage, type Logger } from "./log";

/** How the callback is sent and retried. Defaults follow Validibot: 3 tries, 1 s apart, 30 s timeout. */
export interface CallbackOptions {
  /** Tries in all. Default: 3. */
  attempts?: number;
  /** Wait before the second try; each later wait doubles. Default: 1000 ms. */
  initialDelayMs?: number;
  /** Timeout of one request, headers and body. Default: 30 000 ms. */
  timeoutMs?: number;
  /**
   * The undici dispatcher requests go through (a proxy agent, custom TLS, or in tests a
   * connector that routes a vector's callback host to a loopback server). Default: undici's
   * global dispatcher.
   */
  dispatcher?: Dispatcher;
}

/** How a callback delivery ended. */
export type CallbackDelivery =
  | { outcome: "delivered"; tries: number; statusCode: number }
  | { outcome: "rejected"; tries: number; statusCode: number; body: string }
  | { outcome: "undeliverable"; tries: number; lastError: string };

const MAX_ERROR_BODY = 2048;

function retryable(statusCode: number): boolean {
  return statusCode >= 500 || statusCode === 409;
}

/**
 * POSTs the callback body to the host. Retries network errors, timeouts, 5xx and 409 with
 * exponential backoff, minting a fresh `Authorization` header every try; a 2xx is delivered;
 * any other 4xx is a rejection (logged with the host's error body) and is not retried.
 */
export async function sendCallback(
  url: string,
  body: ValidationCallback,
  authorize: CallbackAuthorizer,
  log: Logger,
  options: CallbackOptions = {},
  /** Headers besides content type and authorization (the `traceparent` of the callback span). */
  extraHeaders: Record<string, string> = {},
): Promise<CallbackDelivery> {
  const attempts = Math.max(1, options.attempts ?? 3);
  const timeoutMs = options.timeoutMs ?? 30_000;
  let delay = options.initialDelayMs ?? 1_000;
  const payload = JSON.stringify(body);
  // Loaded here, not at startup: an attempt with callbacks off never needs it.
  const { request } = await import("undici");
  let lastError = "no try made";
  for (let tryNumber = 1; tryNumber <= attempts; tryNumber++) {
    if (tryNumber > 1) {
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay *= 2;
    }
    try {
      const authorization = await authorize();
      const response = await request(url, {
        method: "POST",
        headers: { ...extraHeaders, "content-type": "application/json", authorization },
        body: payload,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        signal: AbortSignal.timeout(timeoutMs),
        ...(options.dispatcher === undefined ? {} : { dispatcher: options.dispatcher }),
      });
      const text = (await response.body.text()).slice(0, MAX_ERROR_BODY);
      const status = response.statusCode;
      if (status >= 200 && status < 300) {
        log(`callback delivered (HTTP ${status}, try ${tryNumber})`);
        return { outcome: "delivered", tries: tryNumber, statusCode: status };
      }
      if (!retryable(status)) {
        log(`callback rejected with HTTP ${status}: ${text}`);
        return { outcome: "rejected", tries: tryNumber, statusCode: status, body: text };
      }
      lastError = `HTTP ${status}: ${text}`;
    } catch (error) {
      lastError = errorMessage(error);
    }
    log(`callback try ${tryNumber} of ${attempts} failed: ${lastError}`);
  }
  return { outcome: "undeliverable", tries: attempts, lastError };
}
