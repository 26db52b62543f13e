import type { RunErrorCategory, RunStatus } from "@validibot/contracts";
import type { RunRecord } from "../model";
import { iso, type ServiceDeps } from "./deps";
import { emitFinished } from "./events";

/** The states from which a run may still end. */
export const OPEN_STATUSES: RunStatus[] = ["PENDING", "RUNNING"];

/**
 * Ends a run that is still open in `status`, with an error category and message where given.
 * Returns the run afterwards, or null when it had already ended (someone else ended it first).
 */
export async function endRun(
  deps: ServiceDeps,
  runId: string,
  status: Exclude<RunStatus, "PENDING" | "RUNNING">,
  error: { category: RunErrorCategory | null; message: string | null },
): Promise<RunRecord | null> {
  const now = iso(deps.now());
  const ended = await deps.store.updateRun(
    runId,
    {
      status,
      error_category: error.category,
      error_message: error.message,
      finished_at: now,
      updated_at: now,
    },
    OPEN_STATUSES,
  );
  if (ended) {
    deps.logger.info(
      {
        run_id: runId,
        attempt_id: ended.current_attempt_id,
        status,
        error_category: error.category,
      },
      `run ${status.toLowerCase()}`,
    );
    emitFinished(deps.events, ended);
  }
  return ended;
}

/** The message of anything thrown. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
