import { mkdtempSync, rmSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createValidationService,
  LocalProcessLauncher,
  type LocalProcessLauncherOptions,
  type ValidationService,
  WorkerKeyAuthenticator,
} from "@validibot/sdk";
import { callbackRouter } from "@validibot/sdk/express";
import type { Launcher } from "@validibot/sdk/launchers";
import { FilesystemStorage, type StorageAdapter } from "@validibot/sdk/storage";
import { type RunStore, SqliteRunStore } from "@validibot/sdk/store";
import express from "express";
import type { ValidatorDefinition } from "../../../src/validators";
import { ENERGYPLUS, WORKER_KEY } from "../../service/harness";
import type { ReportModel } from "./fixtures/report-validator";
import { freePort } from "./host-process";
import { faultFixture, REPO_ROOT, RUNTIME_CLI } from "./paths";
import { TAG_VARIABLE } from "./processes";

/** The fault suite's validator (`fixtures/report-validator.ts`): one JSON `model` file. */
export const REPORT: ValidatorDefinition = {
  id: "report",
  type: "CUSTOM_VALIDATOR",
  version: "1.0.0",
  file_ports: [{ port_key: "model", mime_types: ["application/json"] }],
  timeout_seconds: 120,
};

/** How far `passDeadlines()` moves the service's clock: past any attempt's timeout and grace. */
const PAST_EVERY_DEADLINE_MS = 24 * 3600 * 1000;

/** Options of `startHost`. */
export interface HostOptions {
  launcher: Launcher;
  /** Default: SQLite in the host's folder; a function gets the folder. */
  store?: (dir: string) => RunStore;
  /** Default: `FilesystemStorage` in `<dir>/bundles`; a function gets that default to wrap it. */
  storage?: (bundles: FilesystemStorage) => StorageAdapter;
  /** The callback URL validators get. Default: the host's own endpoint. */
  callbackUrl?: string;
  /** Default: `REPORT` and `ENERGYPLUS`. */
  validators?: ValidatorDefinition[];
  /** A folder to use (kept on close). Default: a new temp folder, removed on close. */
  dir?: string;
}

/** A service in this process with its callback endpoint on loopback, and a clock tests can move. */
export interface Host {
  service: ValidationService;
  store: RunStore;
  storage: StorageAdapter;
  /** The real adapter under any wrapper. */
  bundles: FilesystemStorage;
  dir: string;
  /** The host's own callback endpoint (even when validators were given another URL). */
  endpoint: string;
  /** Moves the service's clock a day ahead, past every attempt's deadline. */
  passDeadlines(): void;
  /** Closes the HTTP endpoint only: validators posting now find the connection refused. */
  stopEndpoint(): Promise<void>;
  close(): Promise<void>;
}

/** Starts a host: SQLite + FilesystemStorage in a temp folder, the callback endpoint on 127.0.0.1. */
export async function startHost(options: HostOptions): Promise<Host> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), "validibot-faults-"));
  const store = options.store?.(dir) ?? new SqliteRunStore({ path: join(dir, "runs.sqlite") });
  const bundles = new FilesystemStorage({ root: join(dir, "bundles") });
  const storage = options.storage ? options.storage(bundles) : bundles;
  let offsetMs = 0;
  let service: ValidationService | null = null;
  const app = express();
  app.use(
    callbackRouter({
      handleCallback: (request) => {
        if (!service) throw new Error("service not ready");
        return service.handleCallback(request);
      },
    }),
  );
  const server: Server = app.listen(0, "127.0.0.1");
  await new Promise<void>((resolve) => server.once("listening", resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/validation-callbacks/`;
  service = await createValidationService({
    store,
    storage,
    launcher: options.launcher,
    validators: options.validators ?? [REPORT, ENERGYPLUS],
    callbacks: {
      url: options.callbackUrl ?? endpoint,
      authenticator: new WorkerKeyAuthenticator({ key: WORKER_KEY }),
    },
    pollIntervalMs: 50,
    now: () => new Date(Date.now() + offsetMs),
  });
  const ready = service;
  let endpointOpen = true;
  const stopEndpoint = async () => {
    if (!endpointOpen) return;
    endpointOpen = false;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return {
    service: ready,
    store,
    storage,
    bundles,
    dir,
    endpoint,
    passDeadlines() {
      offsetMs = PAST_EVERY_DEADLINE_MS;
    },
    stopEndpoint,
    async close() {
      await ready.close();
      await stopEndpoint();
      if (!options.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A `LocalProcessLauncher` running the validator runtime's CLI from source on the fault suite's
 * validator module, with a clean environment that carries the scenario's process tag.
 */
export function runtimeCliLauncher(
  tag: string,
  dir: string,
  options: Partial<LocalProcessLauncherOptions> = {},
): LocalProcessLauncher {
  return new LocalProcessLauncher({
    command: process.execPath,
    args: ["--import", "tsx", RUNTIME_CLI, "run", faultFixture("report-validator.ts")],
    cwd: REPO_ROOT,
    inheritEnv: false,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? dir,
      [TAG_VARIABLE]: tag,
      VALIDIBOT_FAULT_DIR: dir,
    },
    workerKey: WORKER_KEY,
    scratchRoot: join(dir, "scratch"),
    killGraceMs: 3000,
    // The fault scenarios watch and signal the validator's processes from the host, and the
    // validators write their markers to the scenario's folder: both need it unsandboxed. The
    // sandbox has its own tests (packages/sdk/test/launchers).
    sandbox: "none",
    ...options,
  });
}

/** A `model` file for `REPORT`. */
export function reportModel(model: ReportModel) {
  return { port_key: "model", name: "model.json", body: JSON.stringify(model) };
}

/** A callback URL nothing listens on: a port that was free a moment ago. */
export async function closedCallbackUrl(): Promise<string> {
  return `http://127.0.0.1:${await freePort()}/api/v1/validation-callbacks/`;
}

/** POSTs a callback body to an endpoint with the suite's Worker-Key; the answer's status and body. */
export async function postCallback(
  endpoint: string,
  body: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(endpoint, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Worker-Key ${WORKER_KEY}` },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}
