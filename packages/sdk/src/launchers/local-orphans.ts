import { readdirSync } from "node:fs";
import { signalProcessGroup } from "../process/process-group";
import {
  currentPidScope,
  isRunning,
  processGroupOf,
  processStartTicks,
} from "../process/process-identity";
import { parseRecordedRef } from "./local-execution-ref";

function groupHasMembers(pgid: number): boolean {
  try {
    return readdirSync("/proc").some(
      (name) => /^\d+$/.test(name) && processGroupOf(Number(name)) === pgid,
    );
  } catch {
    return false;
  }
}

/**
 * Stops (SIGKILL to its process group) the local validator an execution reference records, when
 * it outlived the host process that supervised it: same boot and pid namespace, the recorded host
 * process gone (not merely another instance), and the recorded group still there. The recorded
 * start time guards against pid reuse: a pid now held by an unrelated process is left alone (a
 * group's id cannot be reused while the group has members, so surviving members are still ours).
 * Returns whether it stopped something.
 */
export function stopOrphanedProcess(executionRef: string): boolean {
  const recorded = parseRecordedRef(executionRef);
  const scope = currentPidScope();
  if (!recorded || !scope) return false;
  if (
    recorded.scope.bootId !== scope.bootId ||
    recorded.scope.pidNamespace !== scope.pidNamespace
  ) {
    return false;
  }
  if (isRunning(recorded.host)) return false;
  const { pid, startTicks } = recorded.leader;
  const leaderTicks = processStartTicks(pid);
  if (leaderTicks !== undefined && leaderTicks !== startTicks) return false;
  if (leaderTicks === undefined && !groupHasMembers(pid)) return false;
  return signalProcessGroup(pid, "SIGKILL");
}
