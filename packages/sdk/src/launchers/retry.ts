import { setTimeout as sleep } from "node:timers/promises";

/** How a call is retried. */
export interface RetryPolicy {
  /** Retries after the first try; 0 tries once. */
  maxRetries: number;
  /** The first delay; each retry doubles it. */
  baseMs: number;
  /** The longest delay. */
  maxMs: number;
}

/**
 * Calls `attempt` until it succeeds, `isRetryable` says no, or `policy.maxRetries` retries are
 * spent; the last error is thrown. Delays grow exponentially with full jitter (a random delay up
 * to the exponential bound) so that many hosts retrying at once spread out.
 */
export async function withRetries<T>(
  attempt: (tryNumber: number) => Promise<T>,
  isRetryable: (error: unknown) => boolean,
  policy: RetryPolicy,
): Promise<T> {
  for (let tryNumber = 0; ; tryNumber++) {
    try {
      return await attempt(tryNumber);
    } catch (error) {
      if (tryNumber >= policy.maxRetries || !isRetryable(error)) throw error;
      const bound = Math.min(policy.maxMs, policy.baseMs * 2 ** tryNumber);
      await sleep(Math.random() * bound);
    }
  }
}
