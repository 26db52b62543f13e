import { type ChildProcess, spawn } from "node:child_process";
import { constants } from "node:os";
import { MAX_TIMER_MS, signalGroupMembers, signalProcessGroup } from "../process/process-group";
import { TailBuffer } from "../process/tail-buffer";
import { recordedRef } from "./local-execution-ref";
import type { ExecutionStatus } from "./types";

/** What one local execution runs, and how it is bounded. */
export interface LocalExecutionSpec {
  ref: string;
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd: string | undefined;
  /** 0 or less: no timeout. */
  timeoutMs: number;
  killGraceMs: number;
  tailBytes: number;
  /**
   * Whether the group's leader is a sandbox (`bwrap`) that must not get SIGTERM: it would die at
   * once and take the validator down with SIGKILL. Then SIGTERM goes to the other members.
   */
  sandboxed?: boolean;
  /** The validator's command as messages name it (`command` is `bwrap` in the sandbox). Default: `command`. */
  label?: string;
  /** Checked just before spawning; what it throws fails the start like a spawn error. */
  preflight?: () => void;
  /** Runs once the execution has finished, before `finished` settles (removes its scratch folder). */
  cleanup?: () => Promise<void>;
}

/** Why an execution ended other than by exiting on its own. */
type StopReason = "cancelled" | "timed_out" | "closed";

type Phase = "queued" | "running" | "finished";

/**
 * One validator process from queue to exit: spawned in its own process group (so a kill reaches
 * grandchildren), with stdout/stderr tails, a timeout, and SIGTERM-then-SIGKILL stopping.
 */
export class LocalExecution {
  readonly spec: LocalExecutionSpec;
  readonly stdout: TailBuffer;
  readonly stderr: TailBuffer;
  /** Settles once the execution is finished: exited and its output read, or dropped from the queue. */
  readonly finished: Promise<void>;
  private phase: Phase = "queued";
  private child: ChildProcess | undefined;
  private stopReason: StopReason | undefined;
  private exitCode: number | null = null;
  private exitSignal: NodeJS.Signals | null = null;
  private spawnError: Error | undefined;
  private readonly timers = new Set<NodeJS.Timeout>();
  private markFinished!: () => void;
  private startedRef: string | undefined;

  constructor(spec: LocalExecutionSpec) {
    this.spec = spec;
    this.stdout = new TailBuffer(spec.tailBytes);
    this.stderr = new TailBuffer(spec.tailBytes);
    this.finished = new Promise((resolve) => {
      this.markFinished = resolve;
    });
  }

  /**
   * The execution reference once the process runs: `spec.ref` plus the process and host
   * identities (see `recordedRef`), so a later host can stop it if it outlives this one.
   * `spec.ref` until then.
   */
  get ref(): string {
    return this.startedRef ?? this.spec.ref;
  }

  /** Whether the execution still waits for a slot. */
  get isQueued(): boolean {
    return this.phase === "queued";
  }

  /** Whether it has ended (for any reason). */
  get isFinished(): boolean {
    return this.phase === "finished";
  }

  /**
   * Spawns the process. Resolves once it runs; rejects (and finishes the execution as failed) when
   * it cannot start, e.g. the command does not exist.
   */
  start(): Promise<void> {
    if (this.phase !== "queued") return Promise.resolve();
    this.phase = "running";
    const { spec } = this;
    return new Promise((resolve, reject) => {
      let child: ChildProcess;
      try {
        spec.preflight?.();
        child = spawn(spec.command, spec.args, {
          cwd: spec.cwd,
          env: spec.env,
          detached: true,
          shell: false,
          stdio: ["ignore", "pipe", "pipe"],
        });
      } catch (error) {
        this.failToStart(error as Error);
        reject(error);
        return;
      }
      this.child = child;
      child.stdout?.on("data", (chunk: Buffer) => this.stdout.write(chunk));
      child.stderr?.on("data", (chunk: Buffer) => this.stderr.write(chunk));
      child.once("spawn", () => {
        if (child.pid !== undefined) this.startedRef = recordedRef(spec.ref, child.pid);
        this.armTimeout();
        resolve();
      });
      child.on("error", (error) => {
        if (child.pid === undefined && this.spawnError === undefined) {
          this.failToStart(error);
          reject(error);
        }
      });
      child.once("exit", () => this.reapGroup(child));
      child.once("close", (code, signal) => {
        // bwrap exits with 128 + N when the validator was killed by signal N.
        const inner = spec.sandboxed && code !== null ? signalOfExitCode(code) : undefined;
        this.exitCode = inner ? null : code;
        this.exitSignal = inner ?? signal;
        this.finish();
      });
    });
  }

  /**
   * Stops the execution: drops it from the queue, or SIGTERMs its process group and SIGKILLs it
   * after the grace period. Resolves once it has finished. Stopping a finished execution does nothing.
   */
  stop(reason: StopReason): Promise<void> {
    if (this.phase === "finished") return this.finished;
    this.stopReason ??= reason;
    if (this.phase === "queued") {
      this.finish();
      return this.finished;
    }
    const pid = this.child?.pid;
    if (pid !== undefined) {
      if (this.spec.sandboxed) signalGroupMembers(pid, "SIGTERM", pid);
      else signalProcessGroup(pid, "SIGTERM");
      this.timer(this.spec.killGraceMs, () => signalProcessGroup(pid, "SIGKILL"));
    }
    return this.finished;
  }

  /** How the execution stands, with its output tails. */
  status(): ExecutionStatus {
    const tails = { stdoutTail: this.stdout.text(), stderrTail: this.stderr.text() };
    if (this.phase === "queued") {
      return {
        state: "running",
        detail: "queued: waiting for a free slot",
        exitCode: null,
        ...tails,
      };
    }
    if (this.phase === "running") {
      const detail = this.stopReason
        ? `stopping (${this.stopReason.replace("_", " ")})`
        : `running as pid ${this.child?.pid}`;
      return { state: "running", detail, exitCode: null, ...tails };
    }
    const exitCode = this.exitCode;
    const how =
      exitCode !== null
        ? `exited with code ${exitCode}`
        : this.exitSignal
          ? `killed by ${this.exitSignal}`
          : undefined;
    if (this.spawnError) {
      return {
        state: "failed",
        detail: `could not start ${this.spec.label ?? this.spec.command}: ${this.spawnError.message}`,
        exitCode: null,
        ...tails,
      };
    }
    if (this.stopReason === "timed_out") {
      const seconds = this.spec.timeoutMs / 1000;
      return {
        state: "failed",
        detail: `timed out after ${seconds} s${how ? `; ${how}` : ""}`,
        exitCode,
        ...tails,
      };
    }
    if (this.stopReason) {
      const what = this.stopReason === "closed" ? "stopped: the launcher was closed" : "cancelled";
      return { state: "cancelled", detail: how ? `${what}; ${how}` : what, exitCode, ...tails };
    }
    if (exitCode === 0) return { state: "succeeded", detail: how, exitCode, ...tails };
    return { state: "failed", detail: how, exitCode, ...tails };
  }

  private armTimeout(): void {
    if (!(this.spec.timeoutMs > 0)) return;
    this.timer(Math.min(this.spec.timeoutMs, MAX_TIMER_MS), () => {
      void this.stop("timed_out");
    });
  }

  /** Once the leader exited, nothing of its group may outlive it; and output pipes must end. */
  private reapGroup(child: ChildProcess): void {
    if (child.pid !== undefined) signalProcessGroup(child.pid, "SIGKILL");
    // A grandchild that left the group (setsid) could hold the pipes open forever.
    this.timer(this.spec.killGraceMs, () => {
      child.stdout?.destroy();
      child.stderr?.destroy();
    });
  }

  private failToStart(error: Error): void {
    this.spawnError = error;
    this.finish();
  }

  private finish(): void {
    if (this.phase === "finished") return;
    this.phase = "finished";
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    const cleanup = this.spec.cleanup;
    if (!cleanup) {
      this.markFinished();
      return;
    }
    cleanup()
      .catch(() => undefined)
      .finally(() => this.markFinished());
  }

  private timer(ms: number, run: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      run();
    }, ms);
    timer.unref();
    this.timers.add(timer);
  }
}

/** The signal an exit code of 128 + N stands for, as `bwrap` reports a validator killed by signal N. */
function signalOfExitCode(code: number): NodeJS.Signals | undefined {
  if (code <= 128) return undefined;
  const entry = Object.entries(constants.signals).find(([, number]) => number === code - 128);
  return entry?.[0] as NodeJS.Signals | undefined;
}
