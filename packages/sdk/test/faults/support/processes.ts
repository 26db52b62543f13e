import { randomUUID } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";

/** The environment variable that marks every process a scenario starts (children inherit it). */
export const TAG_VARIABLE = "VALIDIBOT_FAULT_TAG";

/** A fresh tag for one scenario's processes. */
export function newTag(): string {
  return `fault-${randomUUID()}`;
}

/** A live process carrying a tag, with its command line for the failure message. */
export interface TaggedProcess {
  pid: number;
  command: string;
}

function readProc(pid: string, file: string): string | null {
  try {
    return readFileSync(`/proc/${pid}/${file}`, "utf8");
  } catch {
    return null;
  }
}

/**
 * Every live process (zombies excluded: dead, waiting for a parent that may never reap them) whose
 * environment holds `VALIDIBOT_FAULT_TAG=<tag>`: the validators a scenario started, their own
 * children, and any host it ran. Reads `/proc`, so it finds processes however they were started
 * and whoever their parent is now; throws where there is no `/proc`, so the check never passes
 * by seeing nothing.
 */
export function processesTagged(tag: string): TaggedProcess[] {
  const entries = readdirSync("/proc").filter((name) => /^\d+$/.test(name));
  if (entries.length === 0) throw new Error("no /proc: cannot list processes");
  const marker = `${TAG_VARIABLE}=${tag}`;
  const found: TaggedProcess[] = [];
  for (const pid of entries) {
    if (Number(pid) === process.pid) continue;
    const environ = readProc(pid, "environ");
    if (environ === null || !environ.split("\0").includes(marker)) continue;
    const stat = readProc(pid, "stat");
    if (stat === null || stat.charAt(stat.lastIndexOf(")") + 2) === "Z") continue;
    const command = (readProc(pid, "cmdline") ?? "").split("\0").join(" ").trim();
    found.push({ pid: Number(pid), command });
  }
  return found;
}

/**
 * Waits until no process carries `tag` and returns the empty list, or returns what still runs
 * after `withinMs` (so the caller's `expect(...).toEqual([])` names the leftovers). The bound
 * only keeps a leak from hanging the test: processes that end as they should end long before it.
 */
export async function leftoverProcesses(tag: string, withinMs = 15_000): Promise<TaggedProcess[]> {
  const until = Date.now() + withinMs;
  for (;;) {
    const left = processesTagged(tag);
    if (left.length === 0 || Date.now() > until) return left;
    await sleep(50);
  }
}

/** Whether `pid` is alive (a zombie counts as dead). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const stat = readProc(String(pid), "stat");
  return stat !== null && stat.charAt(stat.lastIndexOf(")") + 2) !== "Z";
}

/** Kills whatever still carries `tag` (cleanup after a failed test, so nothing leaks into others). */
export function killTagged(tag: string): void {
  for (const { pid } of processesTagged(tag)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // gone already
    }
  }
}
