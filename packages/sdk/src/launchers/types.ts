import type { AnyInputEnvelope, ValidationCallback } from "@validibot/contracts";
import type { AttemptRecord, RunRecord } from "../model";
import type { StorageAdapter } from "../storage/types";
import type { TraceCarrier } from "../telemetry/trace-context";
import type { ValidatorDefinition } from "../validators";

/** What a launcher is told about the attempt it starts. */
export interface LaunchRequest {
  run: RunRecord;
  attempt: AttemptRecord;
  validator: ValidatorDefinition;
  /** The input envelope as written to `input.json`, nonce included. */
  envelope: AnyInputEnvelope;
  /** `VALIDIBOT_INPUT_URI`: where `input.json` is. */
  inputUri: string;
  /** `context.expected_output_uri`. */
  outputUri: string;
  bundleUri: string;
  /** The attempt's timeout; a launcher enforces it where it can. */
  timeoutSeconds: number;
  /**
   * The W3C trace context of the `launch` span, when tracing is on: launchers hand it to the job
   * as `TRACEPARENT` / `TRACESTATE` (`contractEnv` does), so the job's spans join the trace.
   */
  traceContext?: TraceCarrier;
}

/** Services the host lends a launcher (used by `MockLauncher`). */
export interface LaunchContext {
  /** The storage the attempt's bundle lives in. */
  storage: StorageAdapter;
  /**
   * Delivers a callback to the host in-process, through every check but authentication.
   * Resolves when the host has answered it. `trace` is the trace context the callback is sent
   * in (its `traceparent`), so the host's `handle callback` span joins the run's trace.
   */
  deliverCallback(body: ValidationCallback, trace?: TraceCarrier): Promise<unknown>;
  /** Aborted when the host shuts down. */
  signal: AbortSignal;
}

/** How an execution stands, as far as the launcher can tell. */
export type ExecutionState = "running" | "succeeded" | "failed" | "cancelled" | "unknown";

/** An execution's state with whatever detail the launcher has. */
export interface ExecutionStatus {
  state: ExecutionState;
  /** A human-readable detail (exit code, Cloud Run condition message). */
  detail?: string;
  exitCode?: number | null;
  stdoutTail?: string;
  stderrTail?: string;
}

/** What `launch()` returns: the reference under which the launcher knows the execution. */
export interface LaunchResult {
  /** Opaque reference: a process id key, a container name, a Cloud Run execution name. */
  executionRef: string;
}

/**
 * Starts validator executions and answers for them. `launch()` returns once the execution was
 * started (it never waits for the validator); errors are `ValidibotError`s (`launch_failed`,
 * `launcher_permission_denied`, `launcher_job_not_found`), and a failed launch leaves nothing
 * running.
 */
export interface Launcher {
  /** A short name stored with each attempt (`mock`, `local-process`, `docker`, `cloud-run`). */
  readonly name: string;
  launch(request: LaunchRequest, context: LaunchContext): Promise<LaunchResult>;
  status(executionRef: string): Promise<ExecutionStatus>;
  /** Stops an execution; stopping one that has ended is not an error. */
  cancel(executionRef: string): Promise<void>;
  /** Releases what the launcher holds (child processes, timers). */
  close?(): Promise<void>;
}
