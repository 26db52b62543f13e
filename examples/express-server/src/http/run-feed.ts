import type { RunStore, ValidationService } from "@validibot/sdk";

/** Something told the id of every run that changed. */
export type RunListener = (runId: string) => void;

const SERVICE_EVENTS = ["run.created", "run.started", "run.finished"] as const;

/**
 * Which runs changed, from wherever the server can tell: the store's change notifications when it
 * has them (PostgreSQL: changes made by every instance), else this service's own events.
 */
export class RunFeed {
  readonly #listeners = new Set<RunListener>();
  readonly #unsubscribe: () => void;

  constructor(service: ValidationService, store: RunStore) {
    const notify = (runId: string) => {
      for (const listener of this.#listeners) listener(runId);
    };
    if (store.onRunChanged) {
      this.#unsubscribe = store.onRunChanged((change) => notify(change.run_id));
      return;
    }
    const onRun = (run: { id: string }) => notify(run.id);
    for (const name of SERVICE_EVENTS) service.events.on(name, onRun);
    this.#unsubscribe = () => {
      for (const name of SERVICE_EVENTS) service.events.off(name, onRun);
    };
  }

  /** Calls `listener` with each changed run's id until the returned function is called. */
  subscribe(listener: RunListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Stops listening to the service and the store. */
  close(): void {
    this.#listeners.clear();
    this.#unsubscribe();
  }
}
