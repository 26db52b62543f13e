import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ValidibotError } from "@validibot/contracts";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createValidibotClient } from "../../src/client";

type Handler = (req: IncomingMessage, res: ServerResponse, body: Buffer) => void;

let server: Server;
let baseUrl: string;
let handler: Handler;
const seen: { method: string; url: string; body: Buffer; headers: IncomingMessage["headers"] }[] =
  [];
const dir = mkdtempSync(join(tmpdir(), "validibot-client-"));

const RUN = {
  id: "run-1",
  validator_id: "fmu",
  validator_type: "FMU",
  status: "RUNNING",
  error_category: null,
  error_message: null,
  result_status: null,
  org_id: "default",
  inputs: {},
  files: [],
  attempt_count: 1,
  created_at: "2025-01-01T00:00:00.000Z",
  updated_at: "2025-01-01T00:00:00.000Z",
  started_at: null,
  finished_at: null,
  deadline_at: null,
  finding_counts: { INFO: 0, WARNING: 0, ERROR: 0 },
  metrics: [],
  artifacts: [],
  assertions: { passed: 0, failed: 0, skipped: 0, errored: 0 },
  assertion_results: [],
  ruleset_sha256: null,
};

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      seen.push({ method: req.method ?? "", url: req.url ?? "", body, headers: req.headers });
      handler(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(() => {
  seen.length = 0;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

/** Answers the first `n` requests with `first`, then with `then`. */
function failing(n: number, first: Handler, then: Handler): Handler {
  let count = 0;
  return (req, res, body) => {
    count += 1;
    (count <= n ? first : then)(req, res, body);
  };
}

async function caught(promise: Promise<unknown>): Promise<ValidibotError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ValidibotError);
  return error as ValidibotError;
}

describe("createValidibotClient transport", () => {
  it("retries a GET after 503s and returns the answer that finally came", async () => {
    handler = failing(
      2,
      (_q, res) => json(res, 503, { code: "store_unavailable", message: "busy" }),
      (_q, res) => json(res, 200, RUN),
    );
    const client = createValidibotClient({ baseUrl });
    expect((await client.getRun("run-1")).id).toBe("run-1");
    expect(seen.map((r) => `${r.method} ${r.url}`)).toEqual(
      Array(3).fill("GET /api/v1/validation-runs/run-1"),
    );
  });

  it("retries a GET after a dropped connection", async () => {
    handler = failing(
      1,
      (req) => req.socket.destroy(),
      (_q, res) => json(res, 200, RUN),
    );
    const client = createValidibotClient({ baseUrl });
    expect((await client.getRun("run-1")).status).toBe("RUNNING");
    expect(seen).toHaveLength(2);
  });

  it("retries cancel (idempotent) after a 502", async () => {
    handler = failing(
      1,
      (_q, res) => json(res, 502, { code: "launch_failed", message: "gateway" }),
      (_q, res) => json(res, 200, { ...RUN, status: "CANCELED" }),
    );
    const client = createValidibotClient({ baseUrl });
    expect((await client.cancelRun("run-1")).status).toBe("CANCELED");
    expect(seen.map((r) => r.method)).toEqual(["POST", "POST"]);
  });

  it("gives up after `retries` and throws the last answer's error", async () => {
    handler = (_q, res) => json(res, 503, { code: "store_unavailable", message: "still busy" });
    const client = createValidibotClient({ baseUrl, retries: 1 });
    const error = await caught(client.listRuns());
    expect(error.code).toBe("store_unavailable");
    expect(error.message).toBe("still busy");
    expect(seen).toHaveLength(2);
  });

  it("never retries a submission: one 503 is one error", async () => {
    handler = (_q, res) => json(res, 503, { code: "storage_unavailable", message: "down" });
    const client = createValidibotClient({ baseUrl });
    const error = await caught(
      client.submitRun({
        validator: "fmu",
        files: [{ port_key: "fmu", name: "a.fmu", data: "PK" }],
      }),
    );
    expect(error.code).toBe("storage_unavailable");
    expect(seen).toHaveLength(1);
  });

  it("turns the contract's error body into a ValidibotError with its code, message and status", async () => {
    handler = (_q, res) => json(res, 404, { code: "run_not_found", message: "no run x" });
    const error = await caught(createValidibotClient({ baseUrl }).getRun("x"));
    expect([error.code, error.message, error.details?.status]).toEqual([
      "run_not_found",
      "no run x",
      404,
    ]);
  });

  it("reports an answer that is not the contract's as unexpected_response", async () => {
    handler = (_q, res) => {
      res.writeHead(500, { "content-type": "text/html" });
      res.end("<h1>Internal Server Error</h1>");
    };
    const error = await caught(createValidibotClient({ baseUrl, retries: 0 }).getRun("x"));
    expect(error.code).toBe("unexpected_response");
    expect(error.details?.status).toBe(500);
  });

  it("times out a call that gets no answer as server_unreachable, without retrying it", async () => {
    handler = () => {};
    const error = await caught(createValidibotClient({ baseUrl, timeoutMs: 300 }).getRun("x"));
    expect(error.code).toBe("server_unreachable");
    expect(error.details?.timeout_ms).toBe(300);
    expect(seen).toHaveLength(1);
  });

  it("reports a server that is not there as server_unreachable", async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const error = await caught(
      createValidibotClient({ baseUrl: `http://127.0.0.1:${port}`, retries: 1 }).getRun("x"),
    );
    expect(error.code).toBe("server_unreachable");
  });

  it("sends headers given at creation with every call", async () => {
    handler = (_q, res) => json(res, 200, { items: [] });
    await createValidibotClient({ baseUrl, headers: { "x-gateway-key": "k1" } }).listValidators();
    expect(seen[0]?.headers["x-gateway-key"]).toBe("k1");
  });

  it("submitRun sends validator and inputs first, then each file streamed from a path or data", async () => {
    const path = join(dir, "model.idf");
    writeFileSync(path, "Version,24.1;\n");
    handler = (_q, res) => json(res, 201, RUN);
    const client = createValidibotClient({ baseUrl });
    await client.submitRun({
      validator: "energyplus",
      inputs: { run_simulation: false },
      files: [
        { port_key: "primary_model", path },
        {
          port_key: "weather_file",
          name: "w.epw",
          data: new Uint8Array([1, 2, 3]),
          mime_type: "application/vnd.energyplus.epw",
        },
      ],
    });
    const request = seen[0];
    expect(request?.url).toBe("/api/v1/validation-runs");
    const type = String(request?.headers["content-type"]);
    expect(type).toMatch(/^multipart\/form-data; boundary=/);
    const boundary = type.split("boundary=")[1];
    const text = request?.body.toString("latin1") ?? "";
    const parts = text.split(`--${boundary}`).slice(1, -1);
    expect(parts.map((part) => /name="([^"]+)"/.exec(part)?.[1])).toEqual([
      "validator",
      "inputs",
      "primary_model",
      "weather_file",
    ]);
    expect(parts[0]).toContain("\r\n\r\nenergyplus\r\n");
    expect(parts[1]).toContain('\r\n\r\n{"run_simulation":false}\r\n');
    expect(parts[2]).toContain('filename="model.idf"');
    expect(parts[2]).toContain("\r\n\r\nVersion,24.1;\n\r\n");
    expect(parts[3]).toContain("Content-Type: application/vnd.energyplus.epw");
    expect(parts[3]).toContain("\r\n\r\n\u0001\u0002\u0003\r\n");
    expect(text.endsWith(`--${boundary}--\r\n`)).toBe(true);
  });

  it("submitRun refuses a path that is not a readable file before sending anything", async () => {
    const client = createValidibotClient({ baseUrl });
    const error = await caught(
      client.submitRun({
        validator: "fmu",
        files: [{ port_key: "fmu", path: join(dir, "absent.fmu") }],
      }),
    );
    expect(error.code).toBe("invalid_request");
    expect(seen).toHaveLength(0);
  });

  it("downloadArtifact hands back the bytes as a stream, even when they are JSON", async () => {
    handler = (_q, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end('{"not":"parsed"}');
    };
    const stream = await createValidibotClient({ baseUrl }).downloadArtifact(
      "run 1",
      "out/put.json",
    );
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe('{"not":"parsed"}');
    expect(seen[0]?.url).toBe("/api/v1/validation-runs/run%201/artifacts/out%2Fput.json");
  });

  it("waitForRun polls until the run is terminal", async () => {
    handler = failing(
      2,
      (_q, res) => json(res, 200, RUN),
      (_q, res) => json(res, 200, { ...RUN, status: "SUCCEEDED" }),
    );
    const run = await createValidibotClient({ baseUrl }).waitForRun("run-1", { intervalMs: 10 });
    expect(run.status).toBe("SUCCEEDED");
    expect(seen).toHaveLength(3);
  });

  it("waitForRun gives up with wait_timeout", async () => {
    handler = (_q, res) => json(res, 200, RUN);
    const error = await caught(
      createValidibotClient({ baseUrl }).waitForRun("run-1", { intervalMs: 20, timeoutMs: 100 }),
    );
    expect(error.code).toBe("wait_timeout");
  });
});
