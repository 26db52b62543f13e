import type { CallbackAuthenticator } from "../auth/types";
import type { Launcher } from "../launchers/types";
import type { StorageAdapter } from "../storage/types";
import type { RunStore } from "../store/types";
import type { ValidatorDefinition } from "../validators";
import type { ServiceLogger } from "./logger";

/** Picks the launcher of each validator and finds the one that produced an attempt. */
export interface LauncherResolver {
  launcherFor(validator: ValidatorDefinition): Launcher;
  /** The launcher with this `name`, for status and cancel of existing attempts. */
  get(name: string): Launcher | undefined;
  close?(): Promise<void>;
}

/** How validators reach the host and how the host knows it is them. */
export interface CallbackOptions {
  /**
   * The absolute URL validators POST to (`context.callback_url`), e.g.
   * `https://host.example.com/api/v1/validation-callbacks/`. Null: callbacks off
   * (`skip_callback`), results arrive only through `reconcile()`.
   */
  url: string | null;
  /** Checks the callback's `Authorization` header. */
  authenticator: CallbackAuthenticator;
}

/** Everything `createValidationService` needs; the defaults suit a single host. */
export interface ValidationServiceOptions {
  store: RunStore;
  storage: StorageAdapter;
  /** One launcher for every validator, or a resolver (e.g. `LauncherRegistry`). */
  launcher: Launcher | LauncherResolver;
  /** The validators this host offers. */
  validators: ValidatorDefinition[];
  callbacks: CallbackOptions;
  /** The organization runs belong to when a request names none. Default: `{ id: "default", name: "Default" }`. */
  defaultOrg?: { id: string; name: string };
  /** Timeout of an attempt when its validator sets none. Default: 3600 s. */
  defaultTimeoutSeconds?: number;
  /** Time past an attempt's timeout before `reconcile()` takes the run up. Default: 120 s. */
  deadlineGraceSeconds?: number;
  /** The largest submitted file. Default: 1 GiB. */
  maxFileBytes?: number;
  /** The largest `output.json` read back. Default: 64 MiB. */
  maxOutputBytes?: number;
  /**
   * How long reading `output.json` back (and checking the artifacts) may take before the callback
   * is answered 503 `storage_unavailable` (the sender retries), so a slow or stuck store cannot
   * hold callback requests. Default: 30 s.
   */
  outputReadTimeoutMs?: number;
  /** A `processing` callback claim older than this is taken over (its holder died). Default: 5 min. */
  claimStaleAfterMs?: number;
  /** How often `waitForRun` polls the store for changes made by other instances. Default: 250 ms. */
  pollIntervalMs?: number;
  /** How many overdue runs one `reconcile()` pass takes. Default: 100. */
  reconcileBatchSize?: number;
  /**
   * How long a reconciler holds the overdue runs it took before another may take them (if it
   * died, or a run's result was still being processed elsewhere). Default: 300 s.
   */
  reconcileLeaseSeconds?: number;
  /** pino-compatible logger. Default: silent. */
  logger?: ServiceLogger;
  /** The clock. Default: `() => new Date()`; tests move it. */
  now?: () => Date;
}
