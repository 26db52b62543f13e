import { randomUUID } from "node:crypto";
import { mkdir } from "node:fs/promises";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { ValidibotError } from "@validibot/contracts";
import { contractEnv, type DeploymentTarget } from "./contract-env";
import { LocalExecution } from "./local-execution";
import type {
  ExecutionStatus,
  LaunchContext,
  Launcher,
  LaunchRequest,
  LaunchResult,
} from "./types";

/** A value given once for all attempts, or computed from each attempt's request. */
export type PerRequest<T> = T | ((request: LaunchRequest) => T);

/** Options of `LocalProcessLauncher`. */
export interface LocalProcessLauncherOptions {
  /**
   * The executable to run (a path, or a name looked up on `PATH`): `node`, `python3`, a binary.
   * Never run through a shell. A function picks it per request, so one launcher can run several
   * validators.
   */
  command: PerRequest<string>;
  /** Its arguments. Default: none. */
  args?: PerRequest<string[]>;
  /**
   * Extra environment variables. They override inherited ones; the contract's variables
   * (`VALIDIBOT_INPUT_URI`, ...) override these. Default: none.
   */
  env?: Record<string, string>;
  /**
   * Whether the validator inherits the host's environment (`PATH`, `HOME`, ...). Default: true,
   * since most executables need `PATH`. Set false to hand it only `env` and the contract's variables.
   */
  inheritEnv?: boolean;
  /** The working directory. Default: the host's current directory. */
  cwd?: string;
  /** How many validators run at once; further launches wait in a FIFO queue. Default: the number of CPUs. */
  maxConcurrent?: number;
  /** How long a process has after SIGTERM (timeout, cancel, close) before SIGKILL. Default: 10 000 ms. */
  killGraceMs?: number;
  /** `WORKER_API_KEY`: the shared secret the validator's callback carries (`Authorization: Worker-Key`). */
  workerKey: string;
  /** `DEPLOYMENT_TARGET`. Default: `self_hosted`, so the runtime calls back with the worker key. */
  deploymentTarget?: DeploymentTarget;
  /**
   * `VALIDIBOT_ATTEMPT_SCRATCH_ROOT`: where validators make their scratch folders; created if
   * missing. Default: `<os tmpdir>/validibot-scratch`.
   */
  scratchRoot?: string;
  /** Bytes of stdout and of stderr kept per execution (the last ones). Default: 65 536. */
  tailBytes?: number;
  /**
   * How many finished executions `status()` still answers for; older ones answer `unknown`.
   * Default: 1000. `onExit` is the way to keep tails for good.
   */
  retainFinished?: number;
  /** `Launcher.name`, stored with each attempt. Default: `local-process`. */
  name?: string;
  /**
   * Called once per execution when it has finished, with its final status and tails (e.g. to
   * store the tails with the attempt). Errors it throws are ignored. Default: none.
   */
  onExit?: (executionRef: string, status: ExecutionStatus) => void | Promise<void>;
}

/**
 * Runs validators as local child processes with the container environment of CONTRACT.md: how
 * local development runs real validators without a container engine.
 *
 * - Each process gets its own process group: a timeout, `cancel()` or `close()` sends SIGTERM to
 *   the whole group (grandchildren included), then SIGKILL after `killGraceMs`. When the validator
 *   exits, whatever it left running in its group is killed.
 * - At most `maxConcurrent` processes run; further launches are queued (FIFO). A queued launch
 *   returns at once with its `executionRef`, and `status()` answers `running` (detail `queued`)
 *   until the process has started and ended. Its timeout counts from the moment it starts.
 * - A process that cannot start makes `launch()` throw `launch_failed`; for a queued launch,
 *   `status()` answers `failed` with the reason instead.
 * - Exit code 0 is `succeeded`; any other exit or signal is `failed`; a stopped timeout is `failed`
 *   with detail `timed out ...`; a cancelled process is `cancelled`.
 *
 * Executions live in this process's memory: after a host restart, `status()` answers `unknown`.
 * POSIX only (process groups).
 */
export class LocalProcessLauncher implements Launcher {
  readonly name: string;
  private readonly options: LocalProcessLauncherOptions;
  private readonly maxConcurrent: number;
  private readonly executions = new Map<string, LocalExecution>();
  private readonly active = new Set<LocalExecution>();
  private readonly queue: LocalExecution[] = [];
  private readonly finishedOrder: string[] = [];
  private closed = false;

  constructor(options: LocalProcessLauncherOptions) {
    const maxConcurrent = options.maxConcurrent ?? availableParallelism();
    if (!Number.isInteger(maxConcurrent) || maxConcurrent < 1) {
      throw new ValidibotError(
        "invalid_request",
        `maxConcurrent must be a positive integer, got ${maxConcurrent}`,
      );
    }
    if (typeof options.workerKey !== "string" || options.workerKey.length === 0) {
      throw new ValidibotError("invalid_request", "LocalProcessLauncher needs a workerKey");
    }
    this.options = options;
    this.maxConcurrent = maxConcurrent;
    this.name = options.name ?? "local-process";
  }

  /** How many processes run now (queued ones not counted). */
  get runningCount(): number {
    return this.active.size;
  }

  /** How many launches wait for a slot. */
  get queuedCount(): number {
    return this.queue.length;
  }

  async launch(request: LaunchRequest, _context: LaunchContext): Promise<LaunchResult> {
    if (this.closed) throw new ValidibotError("launch_failed", `launcher ${this.name} is closed`);
    const execution = await this.prepare(request);
    if (this.closed) throw new ValidibotError("launch_failed", `launcher ${this.name} is closed`);
    const ref = execution.spec.ref;
    if (this.active.size >= this.maxConcurrent) {
      this.track(execution);
      this.queue.push(execution);
      return { executionRef: ref };
    }
    this.active.add(execution);
    try {
      await execution.start();
      this.track(execution);
    } catch (error) {
      this.active.delete(execution);
      this.startQueued();
      throw new ValidibotError(
        "launch_failed",
        `could not start ${execution.spec.command}: ${(error as Error).message}`,
        { cause: error, details: { command: execution.spec.command } },
      );
    }
    return { executionRef: ref };
  }

  async status(executionRef: string): Promise<ExecutionStatus> {
    const execution = this.executions.get(executionRef);
    if (!execution) {
      return {
        state: "unknown",
        detail: `${this.name} knows no execution ${executionRef} (finished long ago, or started by another host process)`,
      };
    }
    return execution.status();
  }

  async cancel(executionRef: string): Promise<void> {
    const execution = this.executions.get(executionRef);
    if (!execution) return;
    this.dequeue(execution);
    await execution.stop("cancelled");
  }

  /** Stops every queued and running execution (SIGTERM, then SIGKILL) and refuses new launches. */
  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.queue, ...this.active];
    this.queue.length = 0;
    await Promise.all(all.map((execution) => execution.stop("closed")));
  }

  private async prepare(request: LaunchRequest): Promise<LocalExecution> {
    const { options } = this;
    let command: string;
    let args: string[];
    try {
      command = typeof options.command === "function" ? options.command(request) : options.command;
      const rawArgs = typeof options.args === "function" ? options.args(request) : options.args;
      args = rawArgs ?? [];
    } catch (error) {
      throw new ValidibotError(
        "launch_failed",
        `could not choose the command for validator ${request.validator.id}: ${(error as Error).message}`,
        { cause: error },
      );
    }
    if (typeof command !== "string" || command.length === 0) {
      throw new ValidibotError(
        "launch_failed",
        `no command configured for validator ${request.validator.id}`,
      );
    }
    const scratchRoot = options.scratchRoot ?? join(tmpdir(), "validibot-scratch");
    try {
      await mkdir(scratchRoot, { recursive: true });
    } catch (error) {
      throw new ValidibotError(
        "launch_failed",
        `could not create the scratch root ${scratchRoot}: ${(error as Error).message}`,
        { cause: error },
      );
    }
    const env: NodeJS.ProcessEnv = {
      ...(options.inheritEnv === false ? {} : process.env),
      ...options.env,
      ...contractEnv(request, {
        deploymentTarget: options.deploymentTarget ?? "self_hosted",
        workerKey: options.workerKey,
        scratchRoot,
      }),
    };
    return new LocalExecution({
      ref: `local:${request.attempt.id}:${randomUUID()}`,
      command,
      args,
      env,
      cwd: options.cwd,
      timeoutMs: request.timeoutSeconds * 1000,
      killGraceMs: options.killGraceMs ?? 10_000,
      tailBytes: options.tailBytes ?? 64 * 1024,
    });
  }

  private track(execution: LocalExecution): void {
    this.executions.set(execution.spec.ref, execution);
    void execution.finished.then(() => this.onFinished(execution));
  }

  private dequeue(execution: LocalExecution): void {
    const index = this.queue.indexOf(execution);
    if (index >= 0) this.queue.splice(index, 1);
  }

  private onFinished(execution: LocalExecution): void {
    this.active.delete(execution);
    this.dequeue(execution);
    this.startQueued();
    const ref = execution.spec.ref;
    if (this.executions.get(ref) === execution) {
      this.finishedOrder.push(ref);
      const keep = this.options.retainFinished ?? 1000;
      while (this.finishedOrder.length > keep) {
        const old = this.finishedOrder.shift();
        if (old !== undefined) this.executions.delete(old);
      }
    }
    const onExit = this.options.onExit;
    if (onExit) {
      Promise.resolve()
        .then(() => onExit(ref, execution.status()))
        .catch(() => {});
    }
  }

  private startQueued(): void {
    while (!this.closed && this.active.size < this.maxConcurrent) {
      const next = this.queue.shift();
      if (!next) return;
      if (next.isFinished) continue;
      this.active.add(next);
      // A start failure finishes the execution as failed; status() reports why.
      next.start().catch(() => {});
    }
  }
}
