import { randomUUID } from "node:crypto";
import { mkdir } from "node:fs/promises";
import { availableParallelism, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { ValidibotError } from "@validibot/contracts";
import { attemptCallbackCredential } from "../auth/attempt-credential";
import {
  type BubblewrapProbe,
  type DetectBubblewrapOptions,
  detectBubblewrap,
  findExecutable,
} from "../process/bubblewrap";
import { type ResourceLimits, resolveLimits } from "../process/resource-limits";
import { contractEnv, type DeploymentTarget } from "./contract-env";
import { LocalExecution } from "./local-execution";
import { stopOrphanedProcess } from "./local-orphans";
import { planSandbox, SANDBOX_PATH } from "./local-sandbox";
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
   * Whether the validator inherits the host's environment (its secrets included). Default: false
   * in the sandbox, which gives only `PATH` (the system folders), `HOME` and `TMPDIR` (`/tmp`),
   * `LANG`, `env` and the contract's variables; true without it (most executables need `PATH`).
   */
  inheritEnv?: boolean;
  /**
   * The working directory. In the sandbox it is bound read-only (its install folder, see
   * `readOnlyPaths`). Default: the host's current directory; in the sandbox, the attempt's own
   * scratch folder.
   */
  cwd?: string;
  /**
   * How each attempt is isolated. `bubblewrap` (the default): in a bubblewrap sandbox that sees
   * only its own bundle (inputs read-only), a scratch folder of its own, the validator's install
   * folders and the system's, read-only; no data folder, worker key or other run; every namespace
   * but the network unshared, no capabilities, `limits` applied, a clean environment. `none`: as a
   * plain child process with the host's rights (for trusted validators only).
   */
  sandbox?: "bubblewrap" | "none";
  /**
   * With `sandbox: "bubblewrap"`, run unsandboxed where bubblewrap is not available (not Linux,
   * `bwrap` missing, user namespaces forbidden) instead of refusing every launch with
   * `sandbox_unavailable`. Default: false.
   */
  allowUnsandboxed?: boolean;
  /** Where `bwrap` and `prlimit` are. Default: found on `PATH`. */
  bubblewrap?: DetectBubblewrapOptions;
  /** The sandbox's resource limits (CPU time, address space, file size, processes, open files). Default: see `ResourceLimits`. */
  limits?: ResourceLimits;
  /**
   * More folders the sandbox sees read-only, besides the install folders of the command, of the
   * absolute paths among its arguments and of `cwd` (the outermost folder holding `package.json`
   * or `node_modules`) and the system folders. Default: none.
   */
  readOnlyPaths?: string[];
  /**
   * Folders the sandbox must not see even inside a read-only folder, e.g. the host's data folder
   * (worker key, database). The storage root of the bundle (`<root>` of
   * `<root>/runs/<org>/<run>/attempts/<attempt>`) and its parent are always hidden. Default: none.
   */
  hiddenPaths?: string[];
  /**
   * What `WORKER_API_KEY` carries. `per-attempt` (the default): the credential of this attempt's
   * `callback_id` alone (`attemptCallbackCredential`), which `WorkerKeyAuthenticator` accepts for
   * that callback only. `shared`: the worker key itself.
   */
  credentials?: "per-attempt" | "shared";
  /** How many validators run at once; further launches wait in a FIFO queue. Default: the number of CPUs. */
  maxConcurrent?: number;
  /** How long a process has after SIGTERM (timeout, cancel, close) before SIGKILL. Default: 10 000 ms. */
  killGraceMs?: number;
  /**
   * The host's worker key: what per-attempt callback credentials are derived from (or, with
   * `credentials: "shared"`, the `WORKER_API_KEY` itself). The callback authenticator must hold
   * the same key.
   */
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
 * - By default each process runs in a bubblewrap sandbox (see `sandbox`) and calls back with a
 *   credential valid for its own attempt only (see `credentials`). Without bubblewrap, launches are
 *   refused with `sandbox_unavailable` unless `allowUnsandboxed` or `sandbox: "none"` says
 *   otherwise; `sandboxStatus()` tells which applies, for a host to log at start.
 *
 * Executions live in this process's memory: after a host restart, `status()` answers `unknown`.
 * The reference of a started process records its pid and start time and the host's, so after a
 * crash of the host `stopOrphan()` (or `cancel()`) from another host process stops a validator
 * that outlived it. POSIX only (process groups).
 */
export class LocalProcessLauncher implements Launcher {
  readonly name: string;
  private readonly options: LocalProcessLauncherOptions;
  private readonly maxConcurrent: number;
  private readonly executions = new Map<string, LocalExecution>();
  private readonly active = new Set<LocalExecution>();
  private readonly queue: LocalExecution[] = [];
  private readonly finishedOrder: LocalExecution[] = [];
  private closed = false;
  private warnedUnsandboxed = false;
  /** The reference `launch()` returned for each execution (the base one for a queued launch). */
  private readonly returnedRefs = new WeakMap<LocalExecution, string>();

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
    if (options.sandbox !== undefined && !["bubblewrap", "none"].includes(options.sandbox)) {
      throw new ValidibotError(
        "invalid_request",
        `sandbox must be "bubblewrap" or "none", got ${String(options.sandbox)}`,
      );
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
    if (this.closed) {
      await execution.stop("closed");
      throw new ValidibotError("launch_failed", `launcher ${this.name} is closed`);
    }
    const ref = execution.spec.ref;
    if (this.active.size >= this.maxConcurrent) {
      this.track(execution);
      this.queue.push(execution);
      this.returnedRefs.set(execution, ref);
      return { executionRef: ref };
    }
    this.active.add(execution);
    try {
      await execution.start();
      this.track(execution);
      this.executions.set(execution.ref, execution);
      this.returnedRefs.set(execution, execution.ref);
    } catch (error) {
      this.active.delete(execution);
      this.startQueued();
      throw new ValidibotError(
        "launch_failed",
        `could not start ${execution.spec.label ?? execution.spec.command}: ${(error as Error).message}`,
        { cause: error, details: { command: execution.spec.label ?? execution.spec.command } },
      );
    }
    return { executionRef: execution.ref };
  }

  /**
   * Whether launches run sandboxed: `bubblewrap` (with the tools found), `none` (configured, or
   * allowed by `allowUnsandboxed` because bubblewrap is missing: `reason` says why), or
   * `refused` (bubblewrap is missing and unsandboxed runs are not allowed). For a host to say at
   * start how its validators run.
   */
  async sandboxStatus(): Promise<
    | { mode: "bubblewrap"; bwrap: string; prlimit: string; version: string }
    | { mode: "none" | "refused"; reason: string }
  > {
    if (this.options.sandbox === "none") {
      return { mode: "none", reason: 'sandbox: "none" is configured' };
    }
    const probe = await detectBubblewrap(this.options.bubblewrap);
    if (probe.available) {
      return {
        mode: "bubblewrap",
        bwrap: probe.bwrap,
        prlimit: probe.prlimit,
        version: probe.version,
      };
    }
    return { mode: this.options.allowUnsandboxed ? "none" : "refused", reason: probe.reason };
  }

  /**
   * Stops the validator an execution reference of an earlier host process records, if that host
   * is gone and the validator still runs (see `stopOrphanedProcess`). Returns whether it stopped
   * one. Executions of this launcher, and of host processes still alive, are left alone.
   */
  async stopOrphan(executionRef: string): Promise<boolean> {
    if (this.executions.has(executionRef)) return false;
    return stopOrphanedProcess(executionRef);
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
    if (!execution) {
      // Started by a host process that is gone: stop it if it outlived that host.
      stopOrphanedProcess(executionRef);
      return;
    }
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
    const sandboxed = await this.useSandbox();
    const workerKey =
      options.credentials === "shared"
        ? options.workerKey
        : attemptCallbackCredential(options.workerKey, request.attempt.callback_id);
    const inherit = options.inheritEnv ?? !sandboxed;
    const base: NodeJS.ProcessEnv = sandboxed
      ? { PATH: SANDBOX_PATH, HOME: "/tmp", TMPDIR: "/tmp", LANG: "C.UTF-8" }
      : {};
    const ref = `local:${request.attempt.id}:${randomUUID()}`;
    const common = {
      ref,
      timeoutMs: request.timeoutSeconds * 1000,
      killGraceMs: options.killGraceMs ?? 10_000,
      tailBytes: options.tailBytes ?? 64 * 1024,
    };
    if (!sandboxed) {
      const env: NodeJS.ProcessEnv = {
        ...(inherit ? process.env : {}),
        ...options.env,
        ...contractEnv(request, {
          deploymentTarget: options.deploymentTarget ?? "self_hosted",
          workerKey,
          scratchRoot,
        }),
      };
      return new LocalExecution({ ...common, command, args, env, cwd: options.cwd });
    }
    const searchPath = options.env?.PATH ?? process.env.PATH ?? "";
    const executable = findExecutable(command, searchPath);
    if (!executable) {
      // Fails at start, as a spawn of a missing command does (a queued launch reports it in status()).
      return new LocalExecution({
        ...common,
        command,
        args,
        env: {},
        cwd: undefined,
        preflight: () => {
          throw Object.assign(new Error(`spawn ${command} ENOENT`), { code: "ENOENT" });
        },
      });
    }
    const tools = sandboxed;
    const plan = await planSandbox(request, {
      bwrap: tools.bwrap,
      prlimit: tools.prlimit,
      command: resolve(options.cwd ?? process.cwd(), executable),
      args,
      cwd: options.cwd === undefined ? undefined : resolve(options.cwd),
      limits: resolveLimits(options.limits, request.timeoutSeconds, availableParallelism()),
      readOnlyPaths: options.readOnlyPaths ?? [],
      hiddenPaths: options.hiddenPaths ?? [],
      scratchRoot,
    }).catch((error: unknown) => {
      throw new ValidibotError(
        "launch_failed",
        `could not prepare the sandbox: ${(error as Error).message}`,
        { cause: error },
      );
    });
    const env: NodeJS.ProcessEnv = {
      ...base,
      ...(inherit ? process.env : {}),
      ...options.env,
      ...contractEnv(request, {
        deploymentTarget: options.deploymentTarget ?? "self_hosted",
        workerKey,
        scratchRoot: plan.scratchDir,
      }),
    };
    return new LocalExecution({
      ...common,
      command: plan.command,
      args: plan.args,
      env,
      cwd: undefined,
      sandboxed: true,
      label: command,
      cleanup: plan.cleanup,
    });
  }

  /** The sandbox tools when launches run sandboxed; false when they run without; throws when refused. */
  private async useSandbox(): Promise<Extract<BubblewrapProbe, { available: true }> | false> {
    if (this.options.sandbox === "none") return false;
    const probe = await detectBubblewrap(this.options.bubblewrap);
    if (probe.available) return probe;
    if (this.options.allowUnsandboxed) {
      if (!this.warnedUnsandboxed) {
        this.warnedUnsandboxed = true;
        process.emitWarning(
          `${this.name}: validators run WITHOUT a sandbox (${probe.reason}); allowUnsandboxed is set`,
          { code: "VALIDIBOT_UNSANDBOXED" },
        );
      }
      return false;
    }
    throw new ValidibotError(
      "sandbox_unavailable",
      `${this.name} runs validators in a bubblewrap sandbox, which is not available: ${probe.reason}. ` +
        'Install bubblewrap, or accept unsandboxed validators with allowUnsandboxed (or sandbox: "none")',
      { details: { reason: probe.reason } },
    );
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
    const ref = this.returnedRefs.get(execution) ?? execution.ref;
    if (this.executions.get(execution.spec.ref) === execution) {
      // A queued execution that started later is also known by its recorded reference.
      this.executions.set(execution.ref, execution);
      this.finishedOrder.push(execution);
      const keep = this.options.retainFinished ?? 1000;
      while (this.finishedOrder.length > keep) {
        const old = this.finishedOrder.shift();
        if (old === undefined) continue;
        this.executions.delete(old.spec.ref);
        this.executions.delete(old.ref);
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
