/**
 * Sends `signal` to the whole process group led by `pid` (a child spawned with `detached: true`),
 * so the validator's own children get it too. Returns false when no process of the group is left.
 */
export function signalProcessGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ESRCH") return false;
    if (code === "EPERM") {
      // A group member we may not signal (it changed its user): signal the leader alone.
      try {
        process.kill(pid, signal);
        return true;
      } catch {
        return false;
      }
    }
    throw error;
  }
}

/** The longest delay `setTimeout` honours (about 24.8 days); longer ones would fire at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1;
