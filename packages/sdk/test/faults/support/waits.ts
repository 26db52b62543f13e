import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { ExecutionStatus, Launcher } from "@validibot/sdk/launchers";

/** Polls `probe` until it returns something other than undefined (the test's timeout bounds it). */
export async function eventually<T>(
  probe: () => T | undefined | Promise<T | undefined>,
): Promise<T> {
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    await sleep(25);
  }
}

/** Waits for the fault validator of `runId` to have started, and returns its process id. */
export function validatorStarted(dir: string, runId: string): Promise<number> {
  const file = join(dir, `${runId}.pid`);
  return eventually(() => {
    if (!existsSync(file)) return undefined;
    const pid = Number(readFileSync(file, "utf8"));
    return pid > 0 ? pid : undefined;
  });
}

/** Lets the fault validator of `runId` (holding on `go-file`) finish. */
export function letValidatorFinish(dir: string, runId: string): void {
  writeFileSync(join(dir, `${runId}.go`), "go");
}

/** Waits until the launcher no longer reports the execution running, and returns its final status. */
export function executionEnded(launcher: Launcher, executionRef: string): Promise<ExecutionStatus> {
  return eventually(async () => {
    const status = await launcher.status(executionRef);
    return status.state === "running" ? undefined : status;
  });
}
