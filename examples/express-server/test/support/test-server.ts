import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import {
  type CreateServerOptions,
  createServer,
  loadSettings,
  type RunningServer,
  type ValidibotServer,
} from "../../src/index";

/** A reference server listening on 127.0.0.1 with its data folder in a temp directory. */
export interface TestServer {
  server: ValidibotServer;
  running: RunningServer;
  /** `http://127.0.0.1:<port>`. */
  url: string;
  dir: string;
  /** The server's admin token of the default organization (its generated `api-token`). */
  token: string;
  /** The dashboard link that logs a browser in with `token`. */
  loginUrl: string;
  close(): Promise<void>;
}

/** The token `fetch` adds for each origin a test server (or `authorizeFetch`) registered. */
const tokensByOrigin = new Map<string, string>();
const plainFetch = globalThis.fetch;

/**
 * Makes this test file's global `fetch` send `Authorization: Bearer <token>` to `url`'s origin,
 * as every client of the server must, unless the request sets its own `authorization`. Tests of
 * what the server does without (or with another) token set the header themselves, or use
 * `plainFetch`.
 */
export function authorizeFetch(url: string, token: string): void {
  tokensByOrigin.set(new URL(url).origin, token);
  if (globalThis.fetch !== plainFetch) return;
  globalThis.fetch = (input, init) => {
    const request = new Request(input, init);
    const token = tokensByOrigin.get(new URL(request.url).origin);
    if (token === undefined || request.headers.has("authorization")) return plainFetch(request);
    const headers = new Headers(request.headers);
    headers.set("authorization", `Bearer ${token}`);
    return plainFetch(new Request(request, { headers }));
  };
}

/** The global `fetch` as it was, adding no token. */
export { plainFetch };

/**
 * Starts the server on a free port, in mock mode unless `env` says otherwise, with quick mock
 * results that always succeed, no reconcile loop and a silent logger. `env` overrides any of it.
 */
export async function startTestServer(
  env: Record<string, string> = {},
  options: Omit<CreateServerOptions, "logger"> = {},
): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), "validibot-server-"));
  const settings = loadSettings(
    {
      VALIDIBOT_MODE: "mock",
      PORT: "0",
      VALIDIBOT_DATA_DIR: join(dir, "data"),
      VALIDIBOT_MOCK_DELAY_MS: "50",
      VALIDIBOT_MOCK_FAIL_RATE: "0",
      RECONCILE_INTERVAL_SECONDS: "0",
      ...env,
    },
    { cwd: dir },
  );
  const server = await createServer(settings, { ...options, logger: pino({ level: "silent" }) });
  const running = await server.start();
  // Production starts with no token: the test makes one, as an operator would with `tokens create`.
  const token =
    server.apiToken ??
    (await server.tokens.create({ org: { id: "default", name: "Default" }, scopes: ["admin"] }))
      .token;
  const loginUrl = `${running.url}/login?token=${encodeURIComponent(token)}`;
  authorizeFetch(running.url, token);
  return {
    server,
    running,
    url: running.url,
    dir,
    token,
    loginUrl,
    async close() {
      await running.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A minimal IDF model: enough bytes to stand for a submission. */
export const SAMPLE_IDF =
  "Version,24.1;\nBuilding,Test Building,0,Suburbs,0.04,0.4,FullExterior,25,6;\n";

/** A multipart form of a run: `validator`, `inputs`, then the files, as a browser or curl would send it. */
export function runForm(
  validator: string,
  files: { port: string; name: string; data: string | Uint8Array; type?: string }[] = [],
  inputs?: string,
): FormData {
  const form = new FormData();
  form.append("validator", validator);
  if (inputs !== undefined) form.append("inputs", inputs);
  for (const file of files) {
    form.append(
      file.port,
      new Blob([file.data], { type: file.type ?? "application/octet-stream" }),
      file.name,
    );
  }
  return form;
}

/** POSTs a run form and returns the status and the parsed JSON body. */
export async function postRun(
  url: string,
  form: FormData,
): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const response = await fetch(`${url}/api/v1/validation-runs`, { method: "POST", body: form });
  return {
    status: response.status,
    body: (await response.json()) as Record<string, unknown>,
    headers: response.headers,
  };
}
