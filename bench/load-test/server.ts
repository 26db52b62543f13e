import { randomBytes } from "node:crypto";
import { createServer as createHttpServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { CALLBACK_PATH } from "@validibot/contracts";
import {
  createValidationService,
  type ExecutionStatus,
  FilesystemStorage,
  type Launcher,
  type LaunchRequest,
  type LaunchResult,
  SqliteRunStore,
  type ValidationService,
  WorkerKeyAuthenticator,
} from "@validibot/sdk";
import { ApiTokens, MemoryTokenStore } from "@validibot/sdk/access";
import { callbackRouter } from "@validibot/sdk/express";
import express from "express";
import { apiRouter } from "../../examples/express-server/src/http/api-router";
import { errorHandler, unknownRoute } from "../../examples/express-server/src/http/errors";
import { authenticate } from "../../examples/express-server/src/security/authenticate";
import { SessionStore } from "../../examples/express-server/src/security/sessions";
import { loadSettings } from "../../examples/express-server/src/settings";
import { validatorDefinition } from "../../examples/express-server/src/wiring/validator-definitions";

/**
 * A launcher that starts nothing and remembers every launch, so the load test can play the
 * validator of each one (write `output.json`, post the callback) at the moment it chooses.
 */
export class RecordingLauncher implements Launcher {
  readonly name = "load-test";
  /** Every launch, in the order the service made them. */
  readonly launches: LaunchRequest[] = [];

  async launch(request: LaunchRequest): Promise<LaunchResult> {
    this.launches.push(request);
    return { executionRef: `load-test-${request.attempt.id}` };
  }

  async status(): Promise<ExecutionStatus> {
    return { state: "running" };
  }

  async cancel(): Promise<void> {}
}

/** The load test's server, listening on loopback. */
export interface LoadServer {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** The admin API token its runs API takes (default organization). */
  token: string;
  service: ValidationService;
  launcher: RecordingLauncher;
  /** The Worker-Key the callback endpoint accepts. */
  workerKey: string;
  /** Where bundles live (what a validator's `FilesystemStorage` is rooted at). */
  bundlesRoot: string;
  /** Errors the server answered as `internal_error` (anything not a `ValidibotError`). */
  internalErrors: unknown[];
  close(): Promise<void>;
}

function listen(server: Server, backlog: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen({ port: 0, host: "127.0.0.1", backlog }, () => {
      server.off("error", reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/**
 * The reference server's HTTP surface in mock mode (its settings and validators, its runs API
 * router and error handling, the SDK's callback router, SQLite and files under `dataDir`), with
 * a `RecordingLauncher` in place of `MockLauncher`, since the load test must be the one that
 * posts the callbacks. Assembled here rather than through `createServer({ launcher })` because
 * the test also needs a listen backlog for 1,000 simultaneous connections and a tap on every
 * `internal_error`. Listens on 127.0.0.1 only.
 */
export async function startLoadServer(dataDir: string, backlog = 4096): Promise<LoadServer> {
  const settings = loadSettings({
    VALIDIBOT_MODE: "mock",
    VALIDIBOT_DATA_DIR: dataDir,
    HOST: "127.0.0.1",
    PORT: "0",
    LOG_LEVEL: "silent",
    RECONCILE_INTERVAL_SECONDS: "0",
  });
  const http = createHttpServer();
  const port = await listen(http, backlog);
  const url = `http://127.0.0.1:${port}`;
  const workerKey = randomBytes(32).toString("base64url");
  const bundlesRoot = join(settings.dataDir, "bundles");
  const launcher = new RecordingLauncher();
  const service = await createValidationService({
    store: new SqliteRunStore({ path: join(settings.dataDir, "validibot.sqlite") }),
    storage: new FilesystemStorage({ root: bundlesRoot }),
    launcher,
    validators: settings.validators.map(validatorDefinition),
    callbacks: {
      url: `${url}${CALLBACK_PATH}`,
      authenticator: new WorkerKeyAuthenticator({ key: workerKey }),
    },
    maxFileBytes: settings.maxUploadBytes,
  });
  const internalErrors: unknown[] = [];
  // The runs API as the server has it: behind API tokens, here one admin token in memory.
  const tokenStore = new MemoryTokenStore();
  await tokenStore.init();
  const tokens = new ApiTokens({ store: tokenStore });
  const { token } = await tokens.create({
    org: { id: "default", name: "Default" },
    scopes: ["admin"],
    name: "load test",
  });
  const app = express();
  app.disable("x-powered-by");
  app.use(callbackRouter(service));
  app.use(authenticate(service, tokens, new SessionStore()));
  app.use(apiRouter(service));
  app.use(unknownRoute);
  app.use(errorHandler((error) => internalErrors.push(error)));
  http.on("request", app);

  return {
    url,
    token,
    service,
    launcher,
    workerKey,
    bundlesRoot,
    internalErrors,
    async close() {
      const closed = new Promise<void>((resolve) => http.close(() => resolve()));
      http.closeAllConnections();
      await closed;
      await service.close();
    },
  };
}
