import { createServer as createHttpServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ValidibotError } from "@validibot/contracts";
import type {
  Launcher,
  LauncherResolver,
  RunStore,
  StorageAdapter,
  ValidationService,
} from "@validibot/sdk";
import type { ApiTokens } from "@validibot/sdk/access";
import { callbackRouter, sendError } from "@validibot/sdk/express";
import express, { type Express } from "express";
import { type Logger, pino } from "pino";
import { loginRouter } from "./dashboard/login-routes";
import { dashboardRouter } from "./dashboard/routes";
import { apiRouter } from "./http/api-router";
import { errorHandler, unknownRoute } from "./http/errors";
import { EventsRoute } from "./http/events-route";
import { openApiDocument } from "./http/openapi";
import { readinessRouter } from "./http/readiness";
import { requestLog } from "./http/request-log";
import { RunFeed } from "./http/run-feed";
import { startReconcileLoop } from "./reconcile-loop";
import { allowedHosts, hostGuard } from "./security/allowed-hosts";
import { authenticate } from "./security/authenticate";
import { originGuard } from "./security/origin-guard";
import { securityHeaders } from "./security/security-headers";
import { SessionStore } from "./security/sessions";
import type { ServerSettings } from "./settings";
import { bootstrapToken, openApiTokens } from "./wiring/access";
import { buildService } from "./wiring/build-service";

/** Options of `createServer` beyond the settings. */
export interface CreateServerOptions {
  /** The pino logger. Default: a new one at `settings.logLevel`, JSON lines on stdout. */
  logger?: Logger;
  /**
   * Launches every validator instead of the launchers the mode and config file choose (a host's
   * own launcher or registry, or a recording launcher in load tests). Default: the mode's.
   */
  launcher?: Launcher | LauncherResolver;
}

/** A listening server. */
export interface RunningServer {
  /** `http://<host>:<port>` it listens at (127.0.0.1 when it listens on every interface). */
  url: string;
  port: number;
  /**
   * Graceful stop: stops accepting, ends event streams, lets in-flight requests finish (up to
   * 10 s), stops reconciling, then closes the service (launchers and store). Safe to call twice.
   */
  close(): Promise<void>;
}

/** The reference server, built and ready to `start()`. */
export interface ValidibotServer {
  /** The Express app: runs API, callback endpoint, dashboard, `/healthz`, `/readyz`, `/openapi.json`, `/events`. */
  app: Express;
  /** The validation service behind it. */
  service: ValidationService;
  store: RunStore;
  storage: StorageAdapter;
  settings: ServerSettings;
  logger: Logger;
  /** The base URL validators call back to: `VALIDIBOT_PUBLIC_URL`, or `http://127.0.0.1:<port>`. */
  publicUrl: string;
  /** The URL of the callback endpoint (in every input envelope). */
  callbackUrl: string;
  /** The Worker-Key callbacks carry in local and mock modes; null in production. */
  workerKey: string | null;
  /**
   * The admin token of the default organization the server started with (`VALIDIBOT_API_TOKEN`,
   * or in local and mock mode the one kept in `<data dir>/api-token`); null in production without
   * `VALIDIBOT_API_TOKEN`. Every runs API, dashboard and `/events` request needs a token.
   */
  apiToken: string | null;
  /** The API tokens of this server (create, list, revoke, authenticate). */
  tokens: ApiTokens;
  /** The dashboard link that logs in with `apiToken` (`<base>/login?token=...`); null without one. */
  loginUrl(base?: string): string | null;
  /**
   * Listens and starts the reconcile loop. `port` defaults to the settings' port (or, for
   * `PORT=0` without a public URL, the free port chosen at creation, which the public URL names).
   */
  start(port?: number): Promise<RunningServer>;
  /** Closes the service without ever starting (when `start()` is not called). */
  close(): Promise<void>;
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once("error", onError);
    server.listen(port, host, () => {
      server.off("error", onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** A port that was free a moment ago on `host`, for a public URL that must name the port before listening. */
async function freePort(host: string): Promise<number> {
  const probe = createHttpServer();
  const port = await listen(probe, 0, host);
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

function localUrl(host: string, port: number): string {
  const shown =
    host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host.includes(":") ? `[${host}]` : host;
  return `http://${shown}:${port}`;
}

/**
 * Builds the reference server from its settings (see `loadSettings`): the validation service for
 * the mode (local processes, mock, or Google Cloud), the runs API of `runsContract`, the callback
 * endpoint, the dashboard, `/events`, `/healthz` and `/openapi.json`. Nothing listens until
 * `start()`.
 */
export async function createServer(
  settings: ServerSettings,
  options: CreateServerOptions = {},
): Promise<ValidibotServer> {
  const logger = options.logger ?? pino({ level: settings.logLevel });
  let port = settings.port;
  if (settings.publicUrl === null && port === 0) port = await freePort(settings.host);
  const publicUrl = settings.publicUrl ?? localUrl(settings.host, port);
  const parts = await buildService(settings, publicUrl, logger, options.launcher);
  const { service, store } = parts;
  let tokens: ApiTokens;
  let bootstrap: Awaited<ReturnType<typeof bootstrapToken>>;
  try {
    tokens = await openApiTokens(settings);
    bootstrap = await bootstrapToken(settings, tokens);
  } catch (error) {
    await service.close();
    throw error;
  }
  if (bootstrap && (bootstrap.record.revoked_at !== null || bootstrap.record.expires_at !== null)) {
    logger.warn(
      { token_id: bootstrap.record.id, source: bootstrap.source },
      "the start-up API token is revoked or expires: make a new one (delete <data dir>/api-token, or set another VALIDIBOT_API_TOKEN)",
    );
  }
  const sessions = new SessionStore();
  const feed = new RunFeed(service, store);
  const events = new EventsRoute(feed, (id) => service.getRunView(id));

  const app = express();
  app.disable("x-powered-by");
  app.use(requestLog(logger.child({ component: "http" })));
  // Browser protections first, for every route: headers, Host allow-list, cross-origin writes.
  app.use(securityHeaders);
  app.use(hostGuard(allowedHosts(publicUrl, settings.allowedHosts)));
  app.use(originGuard(publicUrl));
  app.use(callbackRouter(service));
  app.get("/healthz", async (_req, res) => {
    try {
      await service.listRuns({ limit: 1 });
      res.json({ status: "ok", mode: settings.mode, validators: service.validators.length });
    } catch (error) {
      sendError(
        res,
        new ValidibotError("store_unavailable", "the run store does not answer", { cause: error }),
      );
    }
  });
  app.use(
    readinessRouter({
      service,
      storage: parts.storage,
      dataDir: settings.databaseUrl === null ? settings.dataDir : null,
    }),
  );
  const openApi = openApiDocument(publicUrl);
  app.get("/openapi.json", (_req, res) => {
    res.json(openApi);
  });
  app.use(loginRouter(tokens, sessions, settings.mode));
  // Everything below needs an API token (Bearer) or the dashboard's session cookie.
  app.use(authenticate(service, tokens, sessions));
  app.get("/events", events.handle);
  app.use(apiRouter(service, { maxConcurrentUploads: settings.maxConcurrentUploads }));
  app.use(dashboardRouter(service, settings.mode));
  app.use(unknownRoute);
  app.use(errorHandler((error) => logger.error({ err: error }, "request failed")));

  let closed: Promise<void> | null = null;
  const closeService = () => {
    closed ??= (async () => {
      feed.close();
      await service.close();
      await tokens.store.close();
    })();
    return closed;
  };

  return {
    app,
    service,
    store,
    storage: parts.storage,
    settings,
    logger,
    publicUrl,
    callbackUrl: parts.callbackUrl,
    workerKey: parts.workerKey,
    apiToken: bootstrap?.token ?? null,
    tokens,
    loginUrl(base = publicUrl) {
      return bootstrap ? `${base}/login?token=${encodeURIComponent(bootstrap.token)}` : null;
    },
    close: closeService,
    async start(requested?: number) {
      if (requested !== undefined && settings.publicUrl === null && requested !== port) {
        throw new Error(
          `the public URL ${publicUrl} names port ${port}; start() on that port, or set VALIDIBOT_PUBLIC_URL`,
        );
      }
      const server = createHttpServer(app);
      const bound = await listen(server, requested ?? port, settings.host);
      const stopReconcile = startReconcileLoop(
        service,
        settings.reconcileIntervalSeconds,
        logger.child({ component: "reconcile" }),
      );
      const url = localUrl(settings.host, bound);
      logger.info(
        {
          url,
          public_url: publicUrl,
          mode: settings.mode,
          validators: service.validators.map((v) => v.id),
        },
        "listening",
      );
      let stopping: Promise<void> | null = null;
      return {
        url,
        port: bound,
        close() {
          stopping ??= (async () => {
            stopReconcile();
            const drained = new Promise<void>((resolve) => server.close(() => resolve()));
            events.closeAll();
            server.closeIdleConnections();
            const grace = setTimeout(() => server.closeAllConnections(), 10_000);
            await drained;
            clearTimeout(grace);
            await closeService();
            logger.info({}, "stopped");
          })();
          return stopping;
        },
      };
    },
  };
}
