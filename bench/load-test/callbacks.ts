import type { ValidationCallback } from "@validibot/contracts";
import { type Dispatcher, request } from "undici";

/** How the host answered one callback POST. */
export interface CallbackAnswer {
  /** HTTP status; 0 when no answer came (connection refused, reset, timed out). */
  status: number;
  /** `accepted`, `idempotent_replayed` or `late_callback_ignored` on a 200. */
  outcome: string | null;
  /** The error body's code on a refusal. */
  code: string | null;
  /** Time from sending to the whole answer read, in ms. */
  ms: number;
}

/** Posts one callback body with `Authorization: Worker-Key <key>` and reads the answer. Never throws. */
export async function postCallback(
  dispatcher: Dispatcher,
  url: string,
  body: ValidationCallback,
  workerKey: string,
  timeoutMs = 60_000,
): Promise<CallbackAnswer> {
  const t0 = performance.now();
  try {
    const response = await request(url, {
      method: "POST",
      dispatcher,
      headers: { "content-type": "application/json", authorization: `Worker-Key ${workerKey}` },
      body: JSON.stringify(body),
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    const parsed = (await response.body.json().catch(() => null)) as {
      status?: unknown;
      code?: unknown;
    } | null;
    return {
      status: response.statusCode,
      outcome: typeof parsed?.status === "string" ? parsed.status : null,
      code: typeof parsed?.code === "string" ? parsed.code : null,
      ms: performance.now() - t0,
    };
  } catch (error) {
    return {
      status: 0,
      outcome: null,
      code: error instanceof Error ? `network: ${error.message}` : "network",
      ms: performance.now() - t0,
    };
  }
}

/** Whether a sender should try the same callback again: no answer, 409 or a 5xx (the contract's rule). */
export function isRetryable(answer: CallbackAnswer): boolean {
  return answer.status === 0 || answer.status === 409 || answer.status >= 500;
}
