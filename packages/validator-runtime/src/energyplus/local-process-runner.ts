import { spawn } from "node:child_process";
import type { ProcessResult, RunProcessOptions } from "../types";
import type { ProcessRunner } from "./process-runner";

/** How long a child gets between SIGTERM and SIGKILL: 5 s. */
export const KILL_GRACE_MS = 5_000;

class Tail {
  private chunks: Buffer[] = [];
  private size = 0;
  constructor(private readonly max: number) {}
  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.size - (this.chunks[0]?.length ?? 0) >= this.max && this.chunks.length > 1) {
      this.size -= this.chunks.shift()?.length ?? 0;
    }
  }
  text(): string {
    const all = Buffer.concat(this.chunks);
    return all.subarray(Math.max(0, all.length - this.max)).toString("utf8");
  }
}

/**
 * A `ProcessRunner` for use outside the validator runtime (tests, scripts, the core API): spawns
 * the command with the given environment merged over this process's, keeps the last
 * `tailBytes` of stdout and stderr, and on timeout or abort sends SIGTERM, then SIGKILL after
 * `KILL_GRACE_MS`. Rejects only when the command cannot be started at all.
 */
export function localProcessRunner(
  defaults: { cwd?: string; signal?: AbortSignal; deadline?: Date } = {},
): ProcessRunner {
  return {
    runProcess(
      command: string,
      args: string[],
      options: RunProcessOptions = {},
    ): Promise<ProcessResult> {
      const started = Date.now();
      const remaining = defaults.deadline
        ? Math.max(1, defaults.deadline.getTime() - started)
        : undefined;
      const timeoutMs = options.timeoutMs ?? remaining;
      const tailBytes = options.tailBytes ?? 64 * 1024;
      return new Promise((resolve, reject) => {
        const child = spawn(command, args, {
          cwd: options.cwd ?? defaults.cwd,
          env: { ...process.env, ...options.env },
          stdio: ["ignore", "pipe", "pipe"],
        });
        const out = new Tail(tailBytes);
        const err = new Tail(tailBytes);
        child.stdout.on("data", (c: Buffer) => out.push(c));
        child.stderr.on("data", (c: Buffer) => err.push(c));
        let timedOut = false;
        let cancelled = false;
        let killTimer: NodeJS.Timeout | undefined;
        const stop = () => {
          child.kill("SIGTERM");
          killTimer = setTimeout(() => child.kill("SIGKILL"), KILL_GRACE_MS);
          killTimer.unref();
        };
        const timer =
          timeoutMs === undefined
            ? undefined
            : setTimeout(() => {
                timedOut = true;
                stop();
              }, timeoutMs);
        const onAbort = () => {
          cancelled = true;
          stop();
        };
        defaults.signal?.addEventListener("abort", onAbort, { once: true });
        if (defaults.signal?.aborted) onAbort();
        const cleanup = () => {
          if (timer) clearTimeout(timer);
          if (killTimer) clearTimeout(killTimer);
          defaults.signal?.removeEventListener("abort", onAbort);
        };
        child.on("error", (error) => {
          cleanup();
          reject(error);
        });
        child.on("close", (code, signal) => {
          cleanup();
          resolve({
            exitCode: code,
            signal,
            timedOut,
            cancelled,
            stdoutTail: out.text(),
            stderrTail: err.text(),
            durationMs: Date.now() - started,
          });
        });
      });
    },
  };
}
