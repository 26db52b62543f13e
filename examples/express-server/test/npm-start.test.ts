import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { Run } from "@validibot/contracts";
import { afterAll, describe, expect, it } from "vitest";
import { authorizeFetch, plainFetch, postRun, runForm, SAMPLE_IDF } from "./support/test-server";

// `npm start` is `tsx src/main.ts` in this package: the same command, as a real process.
const PACKAGE_DIR = fileURLToPath(new URL("..", import.meta.url));
const TSX = fileURLToPath(new URL("../../../node_modules/.bin/tsx", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "validibot-start-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Started {
  child: ChildProcess;
  lines: Record<string, unknown>[];
  stderr: () => string;
  exited: Promise<number | null>;
  waitFor(predicate: (line: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
}

function start(env: Record<string, string>): Started {
  const child = spawn(TSX, ["src/main.ts"], {
    cwd: PACKAGE_DIR,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? dir, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: Record<string, unknown>[] = [];
  const waiters: {
    predicate: (line: Record<string, unknown>) => boolean;
    resolve: (line: Record<string, unknown>) => void;
  }[] = [];
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on("line", (text) => {
    const line = JSON.parse(text) as Record<string, unknown>;
    lines.push(line);
    for (const waiter of [...waiters]) {
      if (waiter.predicate(line)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    }
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return {
    child,
    lines,
    stderr: () => stderr,
    exited,
    waitFor(predicate) {
      const seen = lines.find(predicate);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        waiters.push({ predicate, resolve });
        void exited.then((code) => reject(new Error(`exited ${code} first; stderr: ${stderr}`)));
      });
    },
  };
}

describe("npm start", () => {
  it("serves, logs JSON lines with run_id and attempt_id, hides the SQLite warning, stops on SIGTERM", async () => {
    const server = start({
      VALIDIBOT_MODE: "mock",
      PORT: "0",
      VALIDIBOT_DATA_DIR: join(dir, "data"),
      VALIDIBOT_MOCK_DELAY_MS: "50",
      VALIDIBOT_MOCK_FAIL_RATE: "0",
    });
    const listening = await server.waitFor((line) => line.msg === "listening");
    const url = String(listening.url);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    // Safe by default: a token made at first start (0600), the login link on stderr, never in the logs.
    const tokenFile = join(dir, "data", "api-token");
    expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
    const token = readFileSync(tokenFile, "utf8").trim();
    expect(server.stderr()).toContain(`${url}/login?token=${encodeURIComponent(token)}`);
    expect(JSON.stringify(server.lines)).not.toContain(token);
    expect((await plainFetch(`${url}/api/v1/validation-runs`)).status).toBe(401);
    authorizeFetch(url, token);

    const { body } = await postRun(
      url,
      runForm("energyplus", [{ port: "primary_model", name: "m.idf", data: SAMPLE_IDF }]),
    );
    const run = Run.parse(body);
    await server.waitFor((line) => line.run_id === run.id && line.msg === "result recorded");

    const events = await fetch(`${url}/events`);
    expect(events.headers.get("content-type")).toContain("text/event-stream");
    server.child.kill("SIGTERM");
    expect(await server.exited).toBe(0);
    expect(server.lines.some((line) => line.msg === "stopped")).toBe(true);
    expect(server.stderr()).not.toContain("ExperimentalWarning");

    const aboutRun = server.lines.filter(
      (line) => line.run_id === run.id && line.component === "service",
    );
    expect(aboutRun.map((line) => line.msg)).toEqual(
      expect.arrayContaining(["run created", "run started", "result recorded"]),
    );
    for (const line of aboutRun)
      expect(line.attempt_id, String(line.msg)).toEqual(expect.any(String));
    const request = server.lines.find(
      (line) => line.msg === "request" && line.method === "POST" && line.run_id === run.id,
    );
    expect(request).toMatchObject({ path: "/api/v1/validation-runs", status: 201 });
    expect(JSON.stringify(server.lines)).not.toMatch(/Worker-Key|worker_key|authorization/i);
  });

  it("prints what is wrong with the settings and exits 1", async () => {
    const server = start({ VALIDIBOT_MODE: "sideways", PORT: "-3" });
    expect(await server.exited).toBe(1);
    expect(server.stderr()).toContain("invalid server settings");
    expect(server.stderr()).toContain("VALIDIBOT_MODE: must be local, mock or production");
    expect(server.stderr()).toContain("PORT: must be at least 0");
    expect(server.stderr()).not.toMatch(/\n\s+at /);
  });
});
