import type {
  ExecutionStatus,
  LaunchContext,
  Launcher,
  LaunchRequest,
  LaunchResult,
} from "@validibot/sdk/launchers";
import { contractEnv } from "@validibot/sdk/launchers";
import {
  type AttemptOutcome,
  type CallbackOptions,
  runAttempt,
  type StorageResolver,
  type Validator,
} from "@validibot/validator-runtime";

/** Options of `InProcessRuntimeLauncher`. */
export interface InProcessRuntimeOptions {
  // biome-ignore lint/suspicious/noExplicitAny: any validator's inputs
  validator: Validator<any>;
  workerKey: string;
  scratchRoot: string;
  /** Where the runtime reads and writes URIs. Default: the runtime's own resolver. */
  storage?: StorageResolver;
  /** The runtime's callback retries. Default: 3 tries, 20 ms apart at first. */
  callback?: CallbackOptions;
}

interface Execution {
  request: LaunchRequest;
  controller: AbortController;
  done: Promise<AttemptOutcome>;
  outcome: AttemptOutcome | null;
  log: string[];
}

/**
 * A launcher that runs the real validator runtime (`runAttempt`) in this process with the
 * contract's environment: the whole runtime path (read input.json, stage, run, upload, write
 * output.json, call back with retries) without a child process, so storage can be wrapped.
 * `status()` answers like a process launcher: exit code 0 is `succeeded`, any other `failed`.
 */
export class InProcessRuntimeLauncher implements Launcher {
  readonly name = "in-process-runtime";
  readonly #options: InProcessRuntimeOptions;
  readonly #executions = new Map<string, Execution>();

  constructor(options: InProcessRuntimeOptions) {
    this.#options = options;
  }

  async launch(request: LaunchRequest, _context: LaunchContext): Promise<LaunchResult> {
    const executionRef = `in-process:${request.attempt.id}`;
    this.#start(executionRef, request);
    return { executionRef };
  }

  /** Runs an execution's attempt again, as Cloud Run retries a failed task; its new outcome. */
  retry(executionRef: string): Promise<AttemptOutcome> {
    const execution = this.#executions.get(executionRef);
    if (!execution) throw new Error(`no execution ${executionRef}`);
    return this.#start(executionRef, execution.request).done;
  }

  #start(executionRef: string, request: LaunchRequest): Execution {
    const controller = new AbortController();
    const log: string[] = [];
    const env = contractEnv(request, {
      deploymentTarget: "self_hosted",
      workerKey: this.#options.workerKey,
      scratchRoot: this.#options.scratchRoot,
    });
    const execution: Execution = {
      request,
      controller,
      log,
      outcome: null,
      done: runAttempt(this.#options.validator, {
        env,
        args: [],
        handleSignals: false,
        signal: controller.signal,
        callback: this.#options.callback ?? { attempts: 3, initialDelayMs: 20 },
        log: (line) => log.push(line),
        ...(this.#options.storage ? { storage: this.#options.storage } : {}),
      }),
    };
    void execution.done.then((outcome) => {
      execution.outcome = outcome;
    });
    this.#executions.set(executionRef, execution);
    return execution;
  }

  async status(executionRef: string): Promise<ExecutionStatus> {
    const execution = this.#executions.get(executionRef);
    if (!execution) return { state: "unknown", detail: `no execution ${executionRef}` };
    const outcome = execution.outcome;
    if (outcome === null) return { state: "running" };
    const detail = `exited with code ${outcome.exitCode}${outcome.error ? `: ${outcome.error}` : ""}`;
    return {
      state: outcome.exitCode === 0 ? "succeeded" : "failed",
      detail,
      exitCode: outcome.exitCode,
      stderrTail: execution.log.join("\n"),
    };
  }

  async cancel(executionRef: string): Promise<void> {
    const execution = this.#executions.get(executionRef);
    if (!execution) return;
    execution.controller.abort();
    await execution.done;
  }

  /** The outcome of an execution, once it has ended. */
  outcome(executionRef: string): Promise<AttemptOutcome> {
    const execution = this.#executions.get(executionRef);
    if (!execution) throw new Error(`no execution ${executionRef}`);
    return execution.done;
  }

  /** The runtime's log lines of an execution. */
  log(executionRef: string): string[] {
    return this.#executions.get(executionRef)?.log ?? [];
  }

  async close(): Promise<void> {
    await Promise.all([...this.#executions.keys()].map((ref) => this.cancel(ref)));
  }
}
