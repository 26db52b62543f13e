import { readdirSync } from "node:fs";
import { processGroupOf } from "./process-identity";

/**
 * Sends `signal` to the whole process group led by `pid` (a child spawned with `detached: true`),
 * so the validator's own children get it too; to `pid` alone when that group is gone (the process
 * left it with `setsid`). Returns false when neither exists any more.
 */
export function signalProcessGroup(pid: number, signal: NodeJS.Signals): boolean {
  return trySignal(-pid, signal) || trySignal(pid, signal);
}

function trySignal(target: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(target, signal);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // ESRCH: gone; EPERM: a process we may not signal (it changed its user).
    if (code === "ESRCH" || code === "EPERM") return false;
    throw error;
  }
}

/** The longest delay `setTimeout` honours (about 24.8 days); longer ones would fire at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Sends `signal` to every process of the group `pgid` except `exceptPid`, found through `/proc`.
 * How a sandboxed validator gets SIGTERM first: the group's leader is `bwrap`, which would die at
 * once on SIGTERM and take the sandbox down with SIGKILL before the validator could clean up.
 * Returns how many processes it signalled.
 */
export function signalGroupMembers(
  pgid: number,
  signal: NodeJS.Signals,
  exceptPid: number,
): number {
  let entries: string[];
  try {
    entries = readdirSync("/proc").filter((name) => /^\d+$/.test(name));
  } catch {
    return 0;
  }
  let signalled = 0;
  for (const entry of entries) {
    const pid = Number(entry);
    if (pid === exceptPid || processGroupOf(pid) !== pgid) continue;
    if (trySignal(pid, signal)) signalled += 1;
  }
  return signalled;
}
