import { type ChildProcess, spawn } from "node:child_process";
import type { AddressInfo } from "node:net";
import { createServer } from "node:net";
import type { ReconcileSummary, RunRecord } from "@validibot/sdk";
import type { ReportModel } from "./fixtures/report-validator";
import { faultFixture, REPO_ROOT } from "./paths";
import { TAG_VARIABLE } from "./processes";

/** What a host process is started with (see `fixtures/host-process.ts`). */
export interface HostProcessOptions {
  dir: string;
  port: number;
  tag: string;
  launcher: "local" | "mock";
  callbackUrl?: string;
  clockOffsetMs?: number;
  /** The validators' callback retries (`local` only). */
  callbackAttempts?: number;
  callbackDelayMs?: number;
}

/** A running host process and its control API. */
export interface HostProcess {
  child: ChildProcess;
  port: number;
  /** Its callback endpoint. */
  endpoint: string;
  /** Everything it wrote to stderr so far (its JSON log lines). */
  readonly stderr: string;
  /** Settles when it has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  submit(model: ReportModel): Promise<RunRecord>;
  reconcile(): Promise<ReconcileSummary>;
  /** The warnings and errors its service logged. */
  loggedProblems(): Promise<string[]>;
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Starts `fixtures/host-process.ts` (tsx, from the repo root) and resolves once it listens. */
export async function spawnHostProcess(options: HostProcessOptions): Promise<HostProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", faultFixture("host-process.ts")], {
    cwd: REPO_ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      [TAG_VARIABLE]: options.tag,
      FAULT_HOST_DIR: options.dir,
      FAULT_HOST_PORT: String(options.port),
      FAULT_HOST_LAUNCHER: options.launcher,
      FAULT_HOST_CALLBACK_URL: options.callbackUrl ?? "",
      FAULT_HOST_CLOCK_OFFSET_MS: String(options.clockOffsetMs ?? 0),
      FAULT_CALLBACK_ATTEMPTS: String(options.callbackAttempts ?? 3),
      FAULT_CALLBACK_DELAY_MS: String(options.callbackDelayMs ?? 1000),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  let stdout = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8");
      if (stdout.includes('{"ready"')) resolve();
    });
    void exited.then(({ code, signal }) =>
      reject(new Error(`the host process exited (${code ?? signal}) before listening:\n${stderr}`)),
    );
  });
  const base = `http://127.0.0.1:${options.port}`;
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await response.json()) as T;
    if (!response.ok)
      throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
    return json;
  };
  return {
    child,
    port: options.port,
    endpoint: `${base}/api/v1/validation-callbacks/`,
    get stderr() {
      return stderr;
    },
    exited,
    submit: async (model) =>
      (await call<{ run: RunRecord }>("POST", "/control/submit", { model })).run,
    reconcile: () => call<ReconcileSummary>("POST", "/control/reconcile"),
    loggedProblems: async () => (await call<{ errors: string[] }>("GET", "/control/errors")).errors,
  };
}
