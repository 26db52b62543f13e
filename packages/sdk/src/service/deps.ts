import type { CallbackAuthenticator } from "../auth/types";
import type { Launcher } from "../launchers/types";
import type { StorageAdapter } from "../storage/types";
import type { RunStore } from "../store/types";
import type { ValidatorDefinition } from "../validators";
import type { ServiceEvents } from "./events";
import type { ServiceLogger } from "./logger";
import type { LauncherResolver } from "./options";

/** The service's resolved configuration and collaborators, shared by its parts. */
export interface ServiceDeps {
  store: RunStore;
  storage: StorageAdapter;
  launchers: LauncherResolver;
  validators: Map<string, ValidatorDefinition>;
  callbackUrl: string | null;
  authenticator: CallbackAuthenticator;
  defaultOrg: { id: string; name: string };
  defaultTimeoutSeconds: number;
  deadlineGraceSeconds: number;
  maxFileBytes: number;
  maxOutputBytes: number;
  outputReadTimeoutMs: number;
  claimStaleAfterMs: number;
  pollIntervalMs: number;
  reconcileBatchSize: number;
  reconcileLeaseSeconds: number;
  logger: ServiceLogger;
  events: ServiceEvents;
  now: () => Date;
  /** Aborted when the service closes. */
  signal: AbortSignal;
}

/** Wraps a single launcher as a resolver. */
export function singleLauncher(launcher: Launcher): LauncherResolver {
  return {
    launcherFor: () => launcher,
    get: (name) => (name === launcher.name ? launcher : undefined),
    close: async () => {
      await launcher.close?.();
    },
  };
}

/** ISO 8601 of `date`. */
export function iso(date: Date): string {
  return date.toISOString();
}

/** ISO 8601 of `date` plus `seconds`. */
export function isoPlus(date: Date, seconds: number): string {
  return new Date(date.getTime() + seconds * 1000).toISOString();
}
