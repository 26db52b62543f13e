import { mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import express from "express";
import type { CallbackAuthenticator } from "../../src/auth/types";
import { WorkerKeyAuthenticator } from "../../src/auth/worker-key";
import { callbackRouter } from "../../src/express";
import type { Launcher } from "../../src/launchers/types";
import {
  createValidationService,
  type ValidationService,
  type ValidationServiceOptions,
} from "../../src/service";
import { FilesystemStorage } from "../../src/storage/filesystem-storage";
import type { StorageAdapter } from "../../src/storage/types";
import { SqliteRunStore } from "../../src/store/sqlite-store";
import type { RunStore } from "../../src/store/types";
import type { ValidatorDefinition } from "../../src/validators";

/** The Worker-Key every harness accepts. */
export const WORKER_KEY = "test-worker-key-0123456789abcdef";

/** An EnergyPlus validator with a model port and an optional weather port. */
export const ENERGYPLUS: ValidatorDefinition = {
  id: "energyplus",
  type: "ENERGYPLUS",
  version: "24.1.0",
  file_ports: [
    {
      port_key: "primary_model",
      role: "primary-model",
      mime_types: ["application/vnd.energyplus.idf", "application/vnd.energyplus.epjson"],
    },
    {
      port_key: "weather_file",
      required: false,
      resource: true,
      resource_type: "energyplus_weather",
      mime_types: ["application/vnd.energyplus.epw"],
    },
  ],
  timeout_seconds: 600,
};

/** An FMU validator with one port. */
export const FMU: ValidatorDefinition = {
  id: "fmu",
  type: "FMU",
  version: "1.0.0",
  file_ports: [
    { port_key: "fmu", role: "fmu", mime_types: ["application/vnd.fmi.fmu"], max_bytes: 1024 },
  ],
};

/** A minimal IDF model, enough bytes to stand for a submission. */
export const SAMPLE_IDF =
  "Version,24.1;\nBuilding,Test Building,0,Suburbs,0.04,0.4,FullExterior,25,6;\n";

/** Options of `startHarness`. */
export interface HarnessOptions {
  launcher: Launcher;
  store?: RunStore;
  storage?: StorageAdapter;
  /** Default: Worker-Key `WORKER_KEY`. A function gets the callback URL (for ID-token audiences). */
  authenticator?: CallbackAuthenticator | ((callbackUrl: string) => CallbackAuthenticator);
  /** A temp folder to reuse (for a second instance on the same files). */
  dir?: string;
  service?: Partial<ValidationServiceOptions>;
}

/** A service behind a real Express callback endpoint on loopback. */
export interface Harness {
  service: ValidationService;
  store: RunStore;
  storage: StorageAdapter;
  dir: string;
  /** The callback URL validators post to. */
  callbackUrl: string;
  /** POSTs a callback body to the endpoint. */
  post(
    body: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: Record<string, unknown> }>;
  close(options?: { keepDir?: boolean }): Promise<void>;
}

/** Starts a service with SQLite and FilesystemStorage in a temp folder, behind Express on 127.0.0.1. */
export async function startHarness(options: HarnessOptions): Promise<Harness> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), "validibot-service-"));
  const store = options.store ?? new SqliteRunStore({ path: join(dir, "runs.sqlite") });
  const storage = options.storage ?? new FilesystemStorage({ root: join(dir, "bundles") });
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
  const server = app.listen(0, "127.0.0.1");
  await new Promise<void>((resolve) => server.once("listening", resolve));
  const port = (server.address() as AddressInfo).port;
  const callbackUrl = `http://127.0.0.1:${port}/api/v1/validation-callbacks/`;
  service = await createValidationService({
    store,
    storage,
    launcher: options.launcher,
    validators: [ENERGYPLUS, FMU],
    callbacks: {
      url: callbackUrl,
      authenticator:
        typeof options.authenticator === "function"
          ? options.authenticator(callbackUrl)
          : (options.authenticator ?? new WorkerKeyAuthenticator({ key: WORKER_KEY })),
    },
    pollIntervalMs: 50,
    ...options.service,
  });
  const ready = service;
  return {
    service: ready,
    store,
    storage,
    dir,
    callbackUrl,
    async post(body, headers = { authorization: `Worker-Key ${WORKER_KEY}` }) {
      const response = await fetch(callbackUrl, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: typeof body === "string" ? body : JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    },
    async close({ keepDir = false } = {}) {
      await ready.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (!keepDir && !options.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
