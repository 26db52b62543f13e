import { readFileSync, readlinkSync } from "node:fs";

/**
 * A process as it can be recognised again later: its pid plus the kernel's start time of that
 * pid (clock ticks since boot, field 22 of `/proc/<pid>/stat`). A pid is reused once its process
 * is gone; the pair is not, so a recorded identity never names an unrelated later process.
 */
export interface ProcessIdentity {
  pid: number;
  /** Clock ticks since boot at which the process started. */
  startTicks: number;
}

/**
 * Where pids mean something: the boot (`/proc/sys/kernel/random/boot_id`) and the pid namespace
 * (`/proc/self/ns/pid`). Two host processes on one machine and one namespace share it; a pid
 * recorded under another scope (another container, another machine, before a reboot) must never be
 * signalled.
 */
export interface PidScope {
  bootId: string;
  pidNamespace: string;
}

/** The start time of `pid` in clock ticks since boot; undefined when it is gone or there is no `/proc`. */
export function processStartTicks(pid: number): number | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
  // The command name (field 2) may hold spaces and parentheses: fields are counted after the last ")".
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  if (fields[0] === "Z" || fields[0] === "X") return undefined;
  const ticks = Number(fields[19]);
  return Number.isSafeInteger(ticks) ? ticks : undefined;
}

/** The process group of `pid` (field 5 of `/proc/<pid>/stat`); undefined when it is gone. */
export function processGroupOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const pgrp = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]);
    return Number.isSafeInteger(pgrp) ? pgrp : undefined;
  } catch {
    return undefined;
  }
}

/** The identity of a live `pid`, or undefined (gone, a zombie, or no `/proc`). */
export function identityOf(pid: number): ProcessIdentity | undefined {
  const startTicks = processStartTicks(pid);
  return startTicks === undefined ? undefined : { pid, startTicks };
}

/** Whether the process `identity` recorded still runs: same pid, same start time, not a zombie. */
export function isRunning(identity: ProcessIdentity): boolean {
  return processStartTicks(identity.pid) === identity.startTicks;
}

let scope: PidScope | null | undefined;

/** This process's `PidScope`; undefined where there is no `/proc` (then nothing is recorded). */
export function currentPidScope(): PidScope | undefined {
  if (scope === undefined) {
    try {
      const bootId = readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
      const ns = /\[(\d+)\]/.exec(readlinkSync("/proc/self/ns/pid"))?.[1];
      scope = bootId && ns ? { bootId, pidNamespace: ns } : null;
    } catch {
      scope = null;
    }
  }
  return scope ?? undefined;
}
