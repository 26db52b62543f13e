import { RunStatus, ValidibotError } from "@validibot/contracts";
import type { Notification, Pool, PoolClient } from "pg";
import type { RunChange } from "./types";

const FIRST_RETRY_MS = 100;
const LAST_RETRY_MS = 5000;

/**
 * Holds one dedicated connection in `LISTEN <channel>` and turns its notifications into
 * `RunChange`s. When the connection drops it reconnects with backoff (100 ms doubling to 5 s);
 * changes committed while it is away are not replayed, which is why callers keep polling as
 * the fallback. The connection is taken from the store's pool and held until `stop()`.
 */
export class PostgresChangeListener {
  readonly #pool: Pool;
  readonly #channel: string;
  readonly #onChange: (change: RunChange) => void;
  #client: PoolClient | null = null;
  #connecting = false;
  #stopped = false;
  #retryMs = FIRST_RETRY_MS;
  #retryTimer: NodeJS.Timeout | null = null;
  #warned = false;
  #waiters: { resolve: () => void; reject: (error: unknown) => void }[] = [];
  /** Releases a connection exactly once, whoever notices first that it is done. */
  readonly #releasers = new WeakMap<PoolClient, () => void>();

  constructor(pool: Pool, channel: string, onChange: (change: RunChange) => void) {
    this.#pool = pool;
    this.#channel = channel;
    this.#onChange = onChange;
  }

  /** Starts listening, if not already. */
  start(): void {
    if (this.#stopped || this.#client || this.#connecting || this.#retryTimer) return;
    this.#connecting = true;
    void this.#connect();
  }

  /** Settles once `LISTEN` is active (now, or after the next successful reconnect). */
  whenListening(): Promise<void> {
    if (this.#client) return Promise.resolve();
    if (this.#stopped) {
      return Promise.reject(new ValidibotError("store_unavailable", "the run store is closed"));
    }
    this.start();
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
  }

  /** Stops for good: cancels reconnecting and closes the connection. */
  stop(): void {
    this.#stopped = true;
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
    if (this.#client) this.#releasers.get(this.#client)?.();
    const waiters = this.#waiters.splice(0);
    for (const waiter of waiters) {
      waiter.reject(new ValidibotError("store_unavailable", "the run store is closed"));
    }
  }

  async #connect(): Promise<void> {
    let client: PoolClient;
    try {
      client = await this.#pool.connect();
    } catch (error) {
      this.#connecting = false;
      this.#retryLater(error);
      return;
    }
    let released = false;
    const drop = () => {
      if (released) return;
      released = true;
      this.#drop(client);
    };
    this.#releasers.set(client, drop);
    client.on("error", drop);
    client.on("end", drop);
    client.on("notification", (message) => this.#notified(message));
    try {
      if (this.#stopped) throw new Error("stopped");
      await client.query(`LISTEN "${this.#channel}"`);
    } catch (error) {
      this.#connecting = false;
      drop();
      this.#retryLater(error);
      return;
    }
    this.#connecting = false;
    if (released) {
      this.#retryLater(new Error("connection lost while starting to listen"));
      return;
    }
    if (this.#stopped) {
      drop();
      return;
    }
    this.#client = client;
    this.#retryMs = FIRST_RETRY_MS;
    this.#warned = false;
    for (const waiter of this.#waiters.splice(0)) waiter.resolve();
  }

  #drop(client: PoolClient): void {
    const lost = this.#client === client;
    if (lost) this.#client = null;
    client.removeAllListeners("notification");
    // The connection may still report errors after release; they are expected and ignored.
    client.removeAllListeners("error");
    client.on("error", () => undefined);
    try {
      client.release(true);
    } catch {
      // Already back in the pool.
    }
    if (lost) this.#retryLater(new Error("the LISTEN connection ended"));
  }

  #retryLater(error: unknown): void {
    if (this.#stopped || this.#retryTimer) return;
    if (!this.#warned) {
      this.#warned = true;
      process.emitWarning(
        `run change listener (LISTEN ${this.#channel}) is reconnecting: ${
          error instanceof Error ? error.message : String(error)
        }`,
        { code: "VALIDIBOT_PG_LISTEN" },
      );
    }
    const delay = this.#retryMs;
    this.#retryMs = Math.min(this.#retryMs * 2, LAST_RETRY_MS);
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = null;
      this.start();
    }, delay);
    this.#retryTimer.unref();
  }

  #notified(message: Notification): void {
    if (message.channel !== this.#channel || message.payload === undefined) return;
    let change: RunChange;
    try {
      const parsed = JSON.parse(message.payload) as { run_id?: unknown; status?: unknown };
      if (typeof parsed.run_id !== "string") throw new Error("no run_id");
      change = { run_id: parsed.run_id, status: RunStatus.parse(parsed.status) };
    } catch {
      process.emitWarning(`ignored a malformed notification on ${this.#channel}`, {
        code: "VALIDIBOT_PG_LISTEN",
      });
      return;
    }
    this.#onChange(change);
  }
}
