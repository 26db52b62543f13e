/**
 * A timer that aborts a signal when nothing happened for `timeoutMs`: started at once, pushed back
 * by `touch()`, disarmed by `stop()`. With no `touch()` it is a plain deadline. `parent` (the
 * caller's own signal) aborts it too.
 */
export class Watchdog {
  readonly #controller = new AbortController();
  readonly #timeoutMs: number;
  readonly #onParentAbort: () => void;
  readonly #parent: AbortSignal | undefined;
  #timer: NodeJS.Timeout | undefined;
  #expired = false;

  constructor(timeoutMs: number, parent?: AbortSignal) {
    this.#timeoutMs = timeoutMs;
    this.#parent = parent;
    this.#onParentAbort = () => {
      this.stop();
      this.#controller.abort(parent?.reason);
    };
    if (parent?.aborted) this.#controller.abort(parent.reason);
    else parent?.addEventListener("abort", this.#onParentAbort, { once: true });
    this.touch();
  }

  /** Aborted when the time ran out or the parent aborted. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Whether the time ran out (as opposed to the parent aborting). */
  get expired(): boolean {
    return this.#expired;
  }

  /** Starts the wait over. */
  touch(): void {
    if (this.#controller.signal.aborted) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#expired = true;
      this.#controller.abort(new Error(`no answer within ${this.#timeoutMs} ms`));
    }, this.#timeoutMs);
  }

  /** Disarms the timer and forgets the parent. */
  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#parent?.removeEventListener("abort", this.#onParentAbort);
  }
}
