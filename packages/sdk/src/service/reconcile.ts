import { isValidibotError } from "@validibot/contracts";
import type { ExecutionStatus } from "../launchers/types";
import type { AttemptRecord, RunRecord } from "../model";
import { runAttributes } from "../telemetry/attributes";
import { inSpan } from "../telemetry/spans";
import { iso, isoPlus, type ServiceDeps } from "./deps";
import { processResult } from "./process-result";
import { endRun, messageOf } from "./transitions";

/** What one `reconcile()` did. */
export interface ReconcileSummary {
  /** Overdue runs looked at. */
  examined: number;
  /** Runs completed from an `output.json` whose callback never came. */
  recovered: number;
  /** Runs ended `TIMED_OUT` (their executions cancelled). */
  timedOut: number;
  /** Runs ended `FAILED`: the execution failed without a result, or the run was never launched. */
  failed: number;
}

/** `done`: the run ended from its output; `busy`: someone else is processing it; `none`: no usable output. */
async function tryOutput(
  deps: ServiceDeps,
  attempt: AttemptRecord,
): Promise<"done" | "busy" | "none"> {
  const key = deps.storage.keyFor(attempt.output_uri);
  if (!(await deps.storage.stat(key))) return "none";
  try {
    const outcome = await processResult(deps, attempt, key);
    return outcome === "late_callback_ignored" ? "none" : "done";
  } catch (error) {
    if (isValidibotError(error) && error.code === "callback_in_progress") return "busy";
    deps.logger.warn(
      { run_id: attempt.run_id, attempt_id: attempt.id },
      `reconcile found output.json but could not use it: ${messageOf(error)}`,
    );
    return "none";
  }
}

async function executionStatus(
  deps: ServiceDeps,
  attempt: AttemptRecord,
): Promise<ExecutionStatus> {
  const launcher = attempt.launcher ? deps.launchers.get(attempt.launcher) : undefined;
  if (!launcher || !attempt.execution_ref) return { state: "unknown", detail: "never launched" };
  try {
    return await launcher.status(attempt.execution_ref);
  } catch (error) {
    return { state: "unknown", detail: messageOf(error) };
  }
}

async function cancelExecution(deps: ServiceDeps, attempt: AttemptRecord): Promise<void> {
  const launcher = attempt.launcher ? deps.launchers.get(attempt.launcher) : undefined;
  if (!launcher || !attempt.execution_ref) return;
  await launcher.cancel(attempt.execution_ref).catch((error: unknown) => {
    deps.logger.warn(
      { run_id: attempt.run_id, attempt_id: attempt.id },
      `cancel failed: ${messageOf(error)}`,
    );
  });
}

async function reconcileRun(
  deps: ServiceDeps,
  run: RunRecord,
  summary: ReconcileSummary,
): Promise<boolean> {
  const attempt = run.current_attempt_id
    ? await deps.store.getAttempt(run.current_attempt_id)
    : null;
  const fromOutput = attempt ? await tryOutput(deps, attempt) : "none";
  if (fromOutput === "done") {
    summary.recovered += 1;
    return true;
  }
  if (fromOutput === "busy") return false;
  if (!attempt?.execution_ref) {
    // Never launched (the host stopped, or its store failed, between creating and launching):
    // nothing ran, so nothing timed out. An execution started later is stopped by its launch.
    const ended = await endRun(deps, run.id, "FAILED", {
      category: "SYSTEM_ERROR",
      message: "the run was never launched: the host stopped or failed before launching it",
    });
    if (ended) summary.failed += 1;
    if (ended && attempt) {
      await deps.store.updateAttempt(attempt.id, {
        status: "LAUNCH_FAILED",
        launch_error: "never launched before the deadline",
        finished_at: iso(deps.now()),
      });
    }
    return ended !== null;
  }
  const status = await executionStatus(deps, attempt);
  const detail = status.detail ? ` (${status.detail})` : "";
  let ended: RunRecord | null;
  if (status.state === "failed") {
    ended = await endRun(deps, run.id, "FAILED", {
      category: "RUNTIME_ERROR",
      message: `the validator ended without a result${detail}`,
    });
    if (ended) summary.failed += 1;
  } else {
    if (status.state === "running" || status.state === "unknown")
      await cancelExecution(deps, attempt);
    ended = await endRun(deps, run.id, "TIMED_OUT", {
      category: "TIMEOUT",
      message: `no result by the deadline; execution ${status.state}${detail}`,
    });
    if (ended) summary.timedOut += 1;
  }
  if (ended) {
    await deps.store.updateAttempt(attempt.id, {
      status: "TIMED_OUT",
      finished_at: iso(deps.now()),
      ...(status.stdoutTail !== undefined ? { stdout_tail: status.stdoutTail } : {}),
      ...(status.stderrTail !== undefined ? { stderr_tail: status.stderrTail } : {}),
    });
  }
  return ended !== null;
}

/**
 * Ends runs past their deadline whose callback never came: a verified `output.json` is processed
 * as if the callback had come; a run never launched ends `FAILED` / `SYSTEM_ERROR`; otherwise the
 * execution's state is asked, a failed execution ends the run `FAILED` / `RUNTIME_ERROR`, and
 * anything else is cancelled and ends `TIMED_OUT`. Reads
 * only overdue runs (an index), in batches, so its cost follows them, not all runs. Safe to run
 * on several instances at once: runs are claimed under a lease and every ending is a
 * compare-and-set.
 */
export async function reconcileRuns(deps: ServiceDeps): Promise<ReconcileSummary> {
  const summary: ReconcileSummary = { examined: 0, recovered: 0, timedOut: 0, failed: 0 };
  for (;;) {
    const now = deps.now();
    // Claiming moves each run's deadline to the lease, so a reconciler on another instance does
    // not take it too, and a run this one fails to end falls due again after the lease.
    const overdue = await deps.store.claimOverdueRuns(
      iso(now),
      deps.reconcileBatchSize,
      isoPlus(now, deps.reconcileLeaseSeconds),
    );
    for (const run of overdue) {
      summary.examined += 1;
      try {
        await inSpan("reconcile run", runAttributes(run), () => reconcileRun(deps, run, summary));
      } catch (error) {
        deps.logger.error({ run_id: run.id }, `reconcile failed: ${messageOf(error)}`);
      }
    }
    if (overdue.length < deps.reconcileBatchSize) return summary;
  }
}
