import type {
  ExecutionStatus,
  LaunchContext,
  Launcher,
  LaunchRequest,
  LaunchResult,
} from "@validibot/sdk";
import type { Logger } from "pino";

const TAIL_CHARS = 4000;

/**
 * Logs how each local validator process ended, with its run and attempt ids and, when it failed,
 * the end of its stderr: the first place to look when a validator never calls back.
 */
export class ExecutionLog {
  readonly #ids = new Map<string, { run_id: string; attempt_id: string }>();
  readonly #logger: Logger;

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  /** Wraps `launcher` so every execution it starts is remembered with its ids. */
  track(launcher: Launcher): Launcher {
    const ids = this.#ids;
    return {
      name: launcher.name,
      async launch(request: LaunchRequest, context: LaunchContext): Promise<LaunchResult> {
        const result = await launcher.launch(request, context);
        ids.set(result.executionRef, { run_id: request.run.id, attempt_id: request.attempt.id });
        return result;
      },
      status: (ref) => launcher.status(ref),
      cancel: (ref) => launcher.cancel(ref),
      close: async () => {
        await launcher.close?.();
      },
    };
  }

  /** The `onExit` hook of a `LocalProcessLauncher`. */
  readonly onExit = (executionRef: string, status: ExecutionStatus): void => {
    const ids = this.#ids.get(executionRef) ?? {};
    this.#ids.delete(executionRef);
    const fields = {
      ...ids,
      execution_ref: executionRef,
      state: status.state,
      exit_code: status.exitCode ?? null,
    };
    if (status.state === "succeeded") {
      this.#logger.info(fields, "validator process exited");
      return;
    }
    const stderr = status.stderrTail ? status.stderrTail.slice(-TAIL_CHARS) : null;
    if (status.state === "cancelled") {
      // Stopped on purpose (a cancel, or the server shutting down): not a failure.
      this.#logger.info({ ...fields, detail: status.detail ?? null }, "validator process stopped");
      return;
    }
    this.#logger.warn(
      { ...fields, detail: status.detail ?? null, stderr_tail: stderr },
      "validator process failed",
    );
  };
}
