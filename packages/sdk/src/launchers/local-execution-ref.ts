import {
  currentPidScope,
  identityOf,
  type PidScope,
  type ProcessIdentity,
} from "../process/process-identity";

/**
 * What a local execution reference records about its process, so a later host process can tell
 * after a crash whether the validator outlived the host that supervised it.
 */
export interface RecordedProcess {
  /** The validator's process-group leader (its pid is the group id). */
  leader: ProcessIdentity;
  /** The host process that started and supervises it. */
  host: ProcessIdentity;
  /** Where the pids mean something (boot and pid namespace). */
  scope: PidScope;
}

const RECORD = /;pid=(\d+)\.(\d+);host=(\d+)\.(\d+);scope=([0-9a-f-]+)\.(\d+)$/;

/**
 * The execution reference of a started process: `local:<attempt id>:<uuid>` followed by
 * `;pid=<pid>.<start ticks>;host=<pid>.<start ticks>;scope=<boot id>.<pid namespace>`. Stored with
 * the attempt, it is how the next host process finds and stops an orphan. Without `/proc` (not
 * Linux) the base reference alone is returned.
 */
export function recordedRef(base: string, leaderPid: number): string {
  const scope = currentPidScope();
  const leader = identityOf(leaderPid);
  const host = identityOf(process.pid);
  if (!scope || !leader || !host) return base;
  return `${base};pid=${leader.pid}.${leader.startTicks};host=${host.pid}.${host.startTicks};scope=${scope.bootId}.${scope.pidNamespace}`;
}

/** The process an execution reference records, or undefined (queued, or not recorded). */
export function parseRecordedRef(ref: string): RecordedProcess | undefined {
  const match = RECORD.exec(ref);
  if (!match) return undefined;
  const [, pid, ticks, hostPid, hostTicks, bootId, pidNamespace] = match as unknown as string[];
  return {
    leader: { pid: Number(pid), startTicks: Number(ticks) },
    host: { pid: Number(hostPid), startTicks: Number(hostTicks) },
    scope: { bootId: bootId as string, pidNamespace: pidNamespace as string },
  };
}
