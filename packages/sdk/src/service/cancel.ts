import { isTerminalRunStatus, ValidibotError } from "@validibot/contracts";
import type { RunRecord } from "../model";
import { iso, type ServiceDeps } from "./deps";
import { endRun, messageOf } from "./transitions";

/**
 * Cancels a run that has not ended: asks its launcher to stop the execution, then ends it
 * `CANCELED`. A result arriving afterwards is ignored. `run_not_found`, or `run_not_cancellable`
 * for a run that has ended.
 */
export async function cancelRun(deps: ServiceDeps, runId: string): Promise<RunRecord> {
  const run = await deps.store.getRun(runId);
  if (!run) throw new ValidibotError("run_not_found", `no run ${runId}`);
  if (isTerminalRunStatus(run.status)) {
    throw new ValidibotError("run_not_cancellable", `run ${runId} has already ended ${run.status}`);
  }
  const attempt = run.current_attempt_id
    ? await deps.store.getAttempt(run.current_attempt_id)
    : null;
  const ended = await endRun(deps, runId, "CANCELED", {
    category: null,
    message: "canceled on request",
  });
  if (attempt) {
    const launcher = attempt.launcher ? deps.launchers.get(attempt.launcher) : undefined;
    if (launcher && attempt.execution_ref) {
      await launcher.cancel(attempt.execution_ref).catch((error: unknown) => {
        deps.logger.warn(
          { run_id: runId, attempt_id: attempt.id, execution_ref: attempt.execution_ref },
          `launcher cancel failed: ${messageOf(error)}`,
        );
      });
    }
    if (ended)
      await deps.store.updateAttempt(attempt.id, {
        status: "CANCELED",
        finished_at: iso(deps.now()),
      });
  }
  if (!ended) {
    const latest = await deps.store.getRun(runId);
    if (latest && isTerminalRunStatus(latest.status) && latest.status !== "CANCELED") {
      throw new ValidibotError("run_not_cancellable", `run ${runId} ended ${latest.status} first`);
    }
    return latest ?? run;
  }
  return ended;
}
