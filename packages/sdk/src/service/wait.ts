import { isTerminalRunStatus, ValidibotError } from "@validibot/contracts";
import type { RunRecord } from "../model";
import type { ServiceDeps } from "./deps";

/** Options of `waitForRun`. */
export interface WaitForRunOptions {
  /** Give up (`wait_timeout`) after this long. Default: wait as long as it takes. */
  timeoutMs?: number;
  /** Give up (`wait_aborted`) when aborted. */
  signal?: AbortSignal;
}

/**
 * Settles with the run once it is terminal: the return-based view of a callback-based job. It
 * hears this instance's events at once, the store's change feed where it has one, and polls the
 * store otherwise, so a run finished by another instance sharing the store settles it too.
 */
export function waitForRun(
  deps: ServiceDeps,
  runId: string,
  options: WaitForRunOptions = {},
): Promise<RunRecord> {
  return new Promise<RunRecord>((resolve, reject) => {
    const cleanups: (() => void)[] = [];
    let settled = false;
    const finish = (error: Error | null, run?: RunRecord) => {
      if (settled) return;
      settled = true;
      for (const cleanup of cleanups) cleanup();
      if (error) reject(error);
      else resolve(run as RunRecord);
    };
    let checking = false;
    const check = async () => {
      if (settled || checking) return;
      checking = true;
      try {
        const run = await deps.store.getRun(runId);
        if (!run) finish(new ValidibotError("run_not_found", `no run ${runId}`));
        else if (isTerminalRunStatus(run.status)) finish(null, run);
      } catch (error) {
        finish(error instanceof Error ? error : new Error(String(error)));
      } finally {
        checking = false;
      }
    };

    const onFinished = (run: RunRecord) => {
      if (run.id === runId) finish(null, run);
    };
    deps.events.on("run.finished", onFinished);
    cleanups.push(() => deps.events.off("run.finished", onFinished));

    const unsubscribe = deps.store.onRunChanged?.((change) => {
      if (change.run_id === runId) void check();
    });
    if (unsubscribe) cleanups.push(unsubscribe);

    const poll = setInterval(() => void check(), deps.pollIntervalMs);
    cleanups.push(() => clearInterval(poll));

    if (options.timeoutMs !== undefined) {
      const timer = setTimeout(
        () =>
          finish(
            new ValidibotError(
              "wait_timeout",
              `run ${runId} did not end within ${options.timeoutMs} ms`,
            ),
          ),
        options.timeoutMs,
      );
      cleanups.push(() => clearTimeout(timer));
    }
    for (const [signal, code] of [
      [options.signal, "wait_aborted"],
      [deps.signal, "service_closed"],
    ] as const) {
      if (!signal) continue;
      const onAbort = () => finish(new ValidibotError(code, `stopped waiting for run ${runId}`));
      if (signal.aborted) onAbort();
      signal.addEventListener("abort", onAbort, { once: true });
      cleanups.push(() => signal.removeEventListener("abort", onAbort));
    }
    void check();
  });
}
