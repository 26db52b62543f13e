import type { RunChange } from "./types";

/**
 * The subscribers of a store's `onRunChanged`. Listeners are called after the change is
 * committed, each in its own microtask; one that throws is reported as a process warning
 * and does not stop the others or the store.
 */
export class RunChangeListeners {
  readonly #listeners = new Set<(change: RunChange) => void>();

  /** How many listeners are subscribed. */
  get size(): number {
    return this.#listeners.size;
  }

  /** Subscribes `listener`; returns the unsubscribe function. */
  add(listener: (change: RunChange) => void): () => void {
    // A wrapper per subscription, so one function subscribed twice is also unsubscribed twice.
    const entry = (change: RunChange) => listener(change);
    this.#listeners.add(entry);
    return () => {
      this.#listeners.delete(entry);
    };
  }

  /** Tells every listener about `change`. */
  emit(change: RunChange): void {
    for (const listener of this.#listeners) {
      queueMicrotask(() => {
        try {
          listener({ ...change });
        } catch (error) {
          process.emitWarning(
            `onRunChanged listener threw: ${error instanceof Error ? error.message : String(error)}`,
            { code: "VALIDIBOT_RUN_LISTENER" },
          );
        }
      });
    }
  }

  /** Drops every listener. */
  clear(): void {
    this.#listeners.clear();
  }
}
