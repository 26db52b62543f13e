/** Why an attempt was stopped early: cancelled (SIGTERM, an abort signal) or out of time. */
export type StopReason = "cancelled" | "timeout";

/**
 * The one abort switch of an attempt. The first reason wins: a deadline that passes after a
 * cancel does not turn the cancel into a timeout. `ctx.signal` is its signal.
 */
export class AttemptStop {
  private readonly controller = new AbortController();
  private stopReason: StopReason | null = null;
  private readonly listeners: ((reason: StopReason) => void)[] = [];

  /** Aborted once the attempt is stopped. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Why the attempt was stopped, or null while it runs. */
  get reason(): StopReason | null {
    return this.stopReason;
  }

  /** Stops the attempt for `reason`; later calls change nothing. */
  stop(reason: StopReason): void {
    if (this.stopReason !== null) return;
    this.stopReason = reason;
    this.controller.abort(
      new Error(reason === "timeout" ? "attempt timed out" : "attempt cancelled"),
    );
    for (const listener of this.listeners) listener(reason);
  }

  /** A promise that settles with the reason when the attempt is stopped. */
  stopped(): Promise<StopReason> {
    if (this.stopReason !== null) return Promise.resolve(this.stopReason);
    return new Promise((resolve) => this.listeners.push(resolve));
  }
}

/**
 * Routes SIGTERM (Cloud Run's cancel and timeout) and SIGINT to `onSignal` instead of letting
 * them kill the process; a second SIGINT leaves at once (exit 130) for a person at a terminal.
 * Returns the function that removes the handlers, so the runtime can run in-process in tests.
 */
export function installSignalHandlers(onSignal: (signal: NodeJS.Signals) => void): () => void {
  let interrupted = false;
  const onTerm = () => onSignal("SIGTERM");
  const onInt = () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    onSignal("SIGINT");
  };
  process.on("SIGTERM", onTerm);
  process.on("SIGINT", onInt);
  return () => {
    process.off("SIGTERM", onTerm);
    process.off("SIGINT", onInt);
  };
}
