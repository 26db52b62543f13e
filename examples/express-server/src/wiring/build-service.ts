import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { CALLBACK_PATH } from "@validibot/contracts";
import {
  type CallbackAuthenticator,
  callbackAudienceFor,
  createValidationService,
  FilesystemStorage,
  GcsStorage,
  GoogleIdTokenAuthenticator,
  type Launcher,
  type LauncherResolver,
  PostgresRunStore,
  type RunStore,
  SqliteRunStore,
  type StorageAdapter,
  type ValidationService,
  WorkerKeyAuthenticator,
} from "@validibot/sdk";
import type { Logger } from "pino";
import type { ServerSettings } from "../settings";
import { buildLaunchers } from "./launchers";
import { validatorDefinition } from "./validator-definitions";
import { loadOrCreateWorkerKey } from "./worker-key";

/** The parts `createServer` builds from the settings. */
export interface ServiceParts {
  service: ValidationService;
  store: RunStore;
  storage: StorageAdapter;
  /** The URL validators post callbacks to. */
  callbackUrl: string;
  /** The worker key of callbacks (local and mock modes); null in production. */
  workerKey: string | null;
}

function buildStore(settings: ServerSettings): RunStore {
  if (settings.databaseUrl) {
    return new PostgresRunStore({
      connectionString: settings.databaseUrl,
      schema: settings.databaseSchema,
    });
  }
  return new SqliteRunStore({ path: join(settings.dataDir, "validibot.sqlite") });
}

function buildStorage(settings: ServerSettings): StorageAdapter {
  if (settings.mode === "production" && settings.google) {
    return new GcsStorage({ bucket: settings.google.bucket });
  }
  return new FilesystemStorage({ root: join(settings.dataDir, "bundles") });
}

function buildAuthenticator(
  settings: ServerSettings,
  callbackUrl: string,
  workerKey: string | null,
): CallbackAuthenticator {
  if (settings.mode === "production" && settings.google) {
    return new GoogleIdTokenAuthenticator({
      audience: callbackAudienceFor(callbackUrl),
      allowedServiceAccounts: settings.google.callbackServiceAccounts,
    });
  }
  if (!workerKey) throw new Error("the worker key is missing");
  return new WorkerKeyAuthenticator({ key: workerKey });
}

/**
 * Builds the validation service of the settings: store (SQLite under the data folder, or
 * PostgreSQL), storage (files under the data folder, or GCS in production), launchers for the
 * mode, callback authentication (Worker-Key, or Google ID tokens in production), pino logging.
 * `publicUrl` is the base URL validators reach this server at; `launcherOverride` replaces the
 * mode's launchers (a host's own launcher, or a recorder in tests).
 */
export async function buildService(
  settings: ServerSettings,
  publicUrl: string,
  logger: Logger,
  launcherOverride?: Launcher | LauncherResolver,
): Promise<ServiceParts> {
  await mkdir(settings.dataDir, { recursive: true });
  const workerKey =
    settings.mode === "production"
      ? null
      : (settings.workerKey ?? (await loadOrCreateWorkerKey(settings.dataDir)));
  const callbackUrl = `${publicUrl}${CALLBACK_PATH}`;
  const store = buildStore(settings);
  const storage = buildStorage(settings);
  const launcher =
    launcherOverride ??
    buildLaunchers(settings, workerKey, logger.child({ component: "launcher" }));
  const service = await createValidationService({
    store,
    storage,
    launcher,
    validators: settings.validators.map(validatorDefinition),
    callbacks: {
      url: callbackUrl,
      authenticator: buildAuthenticator(settings, callbackUrl, workerKey),
    },
    maxFileBytes: settings.maxUploadBytes,
    logger: logger.child({ component: "service" }),
  });
  return { service, store, storage, callbackUrl, workerKey };
}
