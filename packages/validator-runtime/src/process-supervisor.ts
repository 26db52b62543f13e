import { type ChildProcess, spawn } from "node:child_process";
import { statSync } from "node:fs";
import { ValidibotError } from "@validibot/contracts";
import { TailBuffer } from "./tail-buffer";
import type { ProcessResult, RunProcessOptions } from "./types";

/** How long a child gets between SIGTERM and SIGKILL. Default: 5 s (Cloud Run allows 10 s in all). */
export const DEFAULT_KILL_GRACE_MS = 5_000;
/** How much of stdout and stderr a child's result keeps. Default: 64 KiB each. */
export const DEFAULT_TAIL_BYTES = 64 * 1024;
/** Environment variables never passed to children unless given explicitly: the callback secret. */
const WITHHELD_ENV = ["WORKER_API_KEY"];
const MAX_TIMER_MS = 2 ** 31 - 1;

/** What a supervisor needs to know about its attempt. */
export interface ProcessSupervisorOptions {
  /** Aborted on cancel or deadline: every child is stopped. */
  signal: AbortSignal;
  /** The attempt's deadline; the default timeout of a child is the time left until it. */
  deadline: Date;
  /** The default working folder of children. */
  cwd: string;
  /** The environment children inherit (minus `WORKER_API_KEY`). */
  env: NodeJS.ProcessEnv;
  /** SIGTERM to SIGKILL grace. Default: `DEFAULT_KILL_GRACE_MS`. */
  killGraceMs?: number;
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

function spawnFailure(command: string, error: NodeJS.ErrnoException): ValidibotError {
  const reason =
    error.code === "ENOENT"
      ? "command not found"
      : error.code === "EACCES"
        ? "permission denied"
        : error.message;
  return new ValidibotError(
    "validator_crashed",
    `could not start ${JSON.stringify(command)}: ${reason} (${error.code ?? "spawn error"})`,
    { cause: error },
  );
}

/**
 * Runs the attempt's child processes: no shell, each in its own process group so a stop reaches
 * its grandchildren too, stdout and stderr kept as bounded tails, stopped (SIGTERM, then SIGKILL
 * after a grace) on timeout or when the attempt is cancelled.
 */
export class ProcessSupervisor {
  private readonly groups = new Set<number>();
  private readonly killGraceMs: number;

  constructor(private readonly options: ProcessSupervisorOptions) {
    this.killGraceMs = options.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
  }

  /** How many children are running now. */
  get running(): number {
    return this.groups.size;
  }

  /**
   * `ctx.runProcess`: resolves with a `ProcessResult` whatever the exit code; rejects only when
   * the command cannot be started (`validator_crashed` with the reason, e.g. not found).
   */
  run(command: string, args: string[], options: RunProcessOptions = {}): Promise<ProcessResult> {
    const startedAt = performance.now();
    const stdout = new TailBuffer(options.tailBytes ?? DEFAULT_TAIL_BYTES);
    const stderr = new TailBuffer(options.tailBytes ?? DEFAULT_TAIL_BYTES);
    const result = (
      exitCode: number | null,
      signal: NodeJS.Signals | null,
      stopped: "timeout" | "cancel" | null,
    ): ProcessResult => ({
      exitCode,
      signal,
      timedOut: stopped === "timeout",
      cancelled: stopped === "cancel",
      stdoutTail: stdout.text(),
      stderrTail: stderr.text(),
      durationMs: performance.now() - startedAt,
    });
    if (this.options.signal.aborted) return Promise.resolve(result(null, null, "cancel"));

    const cwd = options.cwd ?? this.options.cwd;
    try {
      if (!statSync(cwd).isDirectory()) throw new Error("not a folder");
    } catch {
      return Promise.reject(
        new ValidibotError(
          "validator_crashed",
          `could not start ${JSON.stringify(command)}: working folder ${cwd} does not exist`,
        ),
      );
    }
    const env: NodeJS.ProcessEnv = { ...this.options.env };
    for (const name of WITHHELD_ENV) delete env[name];
    Object.assign(env, options.env);
    const timeoutMs = Math.min(
      MAX_TIMER_MS,
      Math.max(0, options.timeoutMs ?? this.options.deadline.getTime() - Date.now()),
    );

    return new Promise((resolve, reject) => {
      let child: ChildProcess;
      try {
        child = spawn(command, args, {
          cwd,
          env,
          detached: true,
          shell: false,
          stdio: ["ignore", "pipe", "pipe"],
        });
      } catch (error) {
        reject(spawnFailure(command, error as NodeJS.ErrnoException));
        return;
      }
      let stopped: "timeout" | "cancel" | null = null;
      let graceTimer: NodeJS.Timeout | undefined;
      const pid = child.pid;
      const stop = (why: "timeout" | "cancel") => {
        if (stopped !== null || pid === undefined) return;
        stopped = why;
        killGroup(pid, "SIGTERM");
        graceTimer = setTimeout(() => killGroup(pid, "SIGKILL"), this.killGraceMs);
      };
      const timer = setTimeout(() => stop("timeout"), timeoutMs);
      const onAbort = () => stop("cancel");
      const cleanup = () => {
        clearTimeout(timer);
        clearTimeout(graceTimer);
        this.options.signal.removeEventListener("abort", onAbort);
        if (pid !== undefined) this.groups.delete(pid);
      };
      child.stdout?.on("data", (chunk: Buffer) => stdout.write(chunk));
      child.stderr?.on("data", (chunk: Buffer) => stderr.write(chunk));
      child.once("error", (error) => {
        cleanup();
        reject(spawnFailure(command, error as NodeJS.ErrnoException));
      });
      child.once("spawn", () => {
        if (pid !== undefined) this.groups.add(pid);
        if (this.options.signal.aborted) stop("cancel");
        else this.options.signal.addEventListener("abort", onAbort, { once: true });
      });
      // Whatever the leader left behind in its group is an orphan of a finished command.
      child.once("exit", () => {
        if (pid !== undefined) killGroup(pid, "SIGKILL");
      });
      child.once("close", (code, signal) => {
        cleanup();
        resolve(result(code, signal, stopped));
      });
    });
  }

  /** Stops every child still running: SIGTERM now, SIGKILL after the grace. */
  stopAll(): void {
    for (const pid of this.groups) {
      killGroup(pid, "SIGTERM");
      setTimeout(() => killGroup(pid, "SIGKILL"), this.killGraceMs).unref();
    }
  }

  /** Kills every child still running at once (the runtime is leaving). */
  killAll(): void {
    for (const pid of this.groups) killGroup(pid, "SIGKILL");
    this.groups.clear();
  }
}
