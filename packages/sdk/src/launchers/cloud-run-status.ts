import type { ExecutionStatus } from "./types";

/** A Cloud Run `Condition` as the client returns it (enums as names, or as numbers). */
export interface CloudRunCondition {
  type?: string | null;
  state?: string | number | null;
  message?: string | null;
  executionReason?: string | number | null;
}

/** The fields of a Cloud Run v2 `Execution` that tell how it stands. */
export interface CloudRunExecution {
  name?: string | null;
  taskCount?: number | null;
  runningCount?: number | null;
  succeededCount?: number | null;
  failedCount?: number | null;
  cancelledCount?: number | null;
  retriedCount?: number | null;
  completionTime?: unknown;
  deleteTime?: unknown;
  conditions?: CloudRunCondition[] | null;
  logUri?: string | null;
}

const CONDITION_STATES = [
  "STATE_UNSPECIFIED",
  "CONDITION_PENDING",
  "CONDITION_RECONCILING",
  "CONDITION_FAILED",
  "CONDITION_SUCCEEDED",
];

const EXECUTION_REASONS = [
  "EXECUTION_REASON_UNDEFINED",
  "JOB_STATUS_SERVICE_POLLING_ERROR",
  "NON_ZERO_EXIT_CODE",
  "CANCELLED",
  "CANCELLING",
  "DELETED",
  "DELAYED_START_PENDING",
];

function enumName(value: string | number | null | undefined, names: string[]): string | undefined {
  if (typeof value === "number") return names[value];
  return value ?? undefined;
}

function isSet(value: unknown): boolean {
  return value !== null && value !== undefined && value !== "";
}

/**
 * Maps a Cloud Run execution to an `ExecutionStatus`. The `Completed` condition decides when it
 * is terminal (succeeded, or failed; failed with reason `CANCELLED` is cancelled); without it, a
 * `completionTime` and the task counts decide; an execution that has not completed is `running`
 * (pending and starting included), and a deleted one is `unknown`.
 */
export function executionStatusOf(execution: CloudRunExecution): ExecutionStatus {
  const taskCount = execution.taskCount || 1;
  const running = execution.runningCount ?? 0;
  const succeeded = execution.succeededCount ?? 0;
  const failed = execution.failedCount ?? 0;
  const cancelled = execution.cancelledCount ?? 0;
  const counts = `tasks: ${succeeded} succeeded, ${failed} failed, ${cancelled} cancelled, ${running} running of ${taskCount}`;
  const completed = execution.conditions?.find((condition) => condition.type === "Completed");
  const completedState = enumName(completed?.state, CONDITION_STATES);
  const reason = enumName(completed?.executionReason, EXECUTION_REASONS);
  const message = completed?.message || undefined;
  const detail = (...parts: (string | undefined)[]) => parts.filter(Boolean).join("; ");

  if (isSet(execution.deleteTime) || reason === "DELETED") {
    return { state: "unknown", detail: detail("the execution was deleted", message) };
  }
  if (completedState === "CONDITION_SUCCEEDED") {
    return { state: "succeeded", detail: detail(message, counts) };
  }
  if (completedState === "CONDITION_FAILED") {
    if (reason === "CANCELLED" || (cancelled > 0 && failed === 0)) {
      return { state: "cancelled", detail: detail(message ?? "cancelled", counts) };
    }
    return { state: "failed", detail: detail(message ?? reason, counts) };
  }
  if (isSet(execution.completionTime)) {
    if (failed > 0) return { state: "failed", detail: detail(message, counts) };
    if (cancelled > 0) return { state: "cancelled", detail: detail(message, counts) };
    if (succeeded >= taskCount) return { state: "succeeded", detail: detail(message, counts) };
    return {
      state: "failed",
      detail: detail(message ?? "completed without a successful task", counts),
    };
  }
  if (reason === "CANCELLING") return { state: "running", detail: detail("cancelling", counts) };
  if (cancelled > 0 && running === 0 && cancelled + succeeded + failed >= taskCount) {
    return { state: "cancelled", detail: detail(message, counts) };
  }
  return {
    state: "running",
    detail: detail(running > 0 ? undefined : "pending", message, counts),
  };
}
