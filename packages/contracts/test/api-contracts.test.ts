import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { initClient } from "@ts-rest/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CALLBACK_PATH,
  CallbackAccepted,
  callbackContract,
  ERROR_HTTP_STATUS,
  ErrorBody,
  type ErrorCode,
  httpStatusOf,
  ListRunsQuery,
  type Run,
  runsContract,
  ValidationCallback,
} from "../src/index";
import { callbackBody } from "./corpus/builders";

/** A request as the loopback server saw it. */
interface Seen {
  method: string;
  url: string;
  contentType: string | undefined;
  body: Buffer;
}

/** What the loopback server answers next. */
let reply: { status: number; contentType: string; body: string | Buffer } = {
  status: 200,
  contentType: "application/json",
  body: "{}",
};
const seen: Seen[] = [];
let server: Server;
let baseUrl: string;

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

beforeAll(async () => {
  server = createServer((req, res) => {
    void readBody(req).then((body) => {
      seen.push({
        method: req.method ?? "",
        url: req.url ?? "",
        contentType: req.headers["content-type"],
        body,
      });
      res.writeHead(reply.status, { "content-type": reply.contentType });
      res.end(reply.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
});

function answer(status: number, body: unknown, contentType = "application/json") {
  reply = {
    status,
    contentType,
    body: typeof body === "string" || Buffer.isBuffer(body) ? body : JSON.stringify(body),
  };
}

function lastRequest(): Seen {
  const request = seen.at(-1);
  if (!request) throw new Error("the server saw no request");
  return request;
}

const run: Run = {
  id: "run-1",
  validator_id: "energyplus",
  validator_type: "ENERGYPLUS",
  status: "PENDING",
  error_category: null,
  error_message: null,
  result_status: null,
  org_id: "org-1",
  inputs: { timestep_per_hour: 4 },
  files: [
    {
      port_key: "primary_model",
      name: "model.idf",
      mime_type: "application/vnd.energyplus.idf",
      size_bytes: 3,
      sha256: "0".repeat(64),
    },
  ],
  attempt_count: 0,
  created_at: "2025-01-02T03:04:05.000Z",
  updated_at: "2025-01-02T03:04:05.000Z",
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

describe("callbackContract", () => {
  const route = callbackContract.postCallback;

  it("is POST /api/v1/validation-callbacks/ with the callback body", () => {
    expect(route.method).toBe("POST");
    expect(route.path).toBe("/api/v1/validation-callbacks/");
    expect(CALLBACK_PATH).toBe(route.path);
    expect(route.body).toBe(ValidationCallback);
  });

  it("answers 200 with one of three statuses, or 400/401/403/404/409/413 with the error body", () => {
    expect(Object.keys(route.responses).map(Number).sort()).toEqual([
      200, 400, 401, 403, 404, 409, 413,
    ]);
    expect(route.responses[200]).toBe(CallbackAccepted);
    for (const status of [400, 401, 403, 404, 409, 413] as const)
      expect(route.responses[status]).toBe(ErrorBody);
    for (const status of ["accepted", "idempotent_replayed", "late_callback_ignored"]) {
      expect(CallbackAccepted.safeParse({ status }).success).toBe(true);
    }
    expect(CallbackAccepted.safeParse({ status: "ok" }).success).toBe(false);
    expect(route.strictStatusCodes).toBe(true);
  });

  it("declares the HTTP status of every client error the callback flow can answer", () => {
    const declared = Object.keys(route.responses).map(Number);
    const callbackCodes = (Object.keys(ERROR_HTTP_STATUS) as ErrorCode[]).filter(
      (code) =>
        /^(auth_|callback_|output_|result_uri_|invalid_|payload_)/.test(code) &&
        httpStatusOf(code) < 500,
    );
    expect(callbackCodes).toContain("callback_nonce_mismatch");
    for (const code of callbackCodes) expect(declared, code).toContain(httpStatusOf(code));
  });

  it("carries only known codes in its error body", () => {
    expect(ErrorBody.safeParse({ code: "callback_nonce_mismatch", message: "no" }).success).toBe(
      true,
    );
    expect(ErrorBody.safeParse({ code: "nonce_wrong", message: "no" }).success).toBe(false);
    expect(ErrorBody.safeParse({ code: "auth_missing" }).success).toBe(false);
  });

  describe("through a ts-rest client against a loopback server", () => {
    const client = () =>
      initClient(callbackContract, { baseUrl, validateResponse: true, throwOnUnknownStatus: true });

    it("posts the JSON body to the callback path and reads the answer", async () => {
      answer(200, { status: "idempotent_replayed" });
      const result = await client().postCallback({
        body: ValidationCallback.parse(callbackBody()),
      });
      expect(result).toMatchObject({ status: 200, body: { status: "idempotent_replayed" } });
      const request = lastRequest();
      expect([request.method, request.url, request.contentType]).toEqual([
        "POST",
        CALLBACK_PATH,
        "application/json",
      ]);
      expect(JSON.parse(request.body.toString("utf8"))).toEqual(callbackBody());
    });

    it("reads an error body with its code", async () => {
      answer(403, { code: "callback_nonce_mismatch", message: "nonce does not match" });
      const result = await client().postCallback({
        body: ValidationCallback.parse(callbackBody()),
      });
      expect(result).toMatchObject({ status: 403, body: { code: "callback_nonce_mismatch" } });
    });

    it("refuses an answer outside the contract", async () => {
      answer(200, { status: "done" });
      await expect(
        client().postCallback({ body: ValidationCallback.parse(callbackBody()) }),
      ).rejects.toThrow();
      answer(418, { code: "internal_error", message: "teapot" });
      await expect(
        client().postCallback({ body: ValidationCallback.parse(callbackBody()) }),
      ).rejects.toThrow();
    });
  });
});

describe("runsContract", () => {
  it.each([
    ["createRun", "POST", "/api/v1/validation-runs", [201, 400, 404, 413, 415]],
    ["getRun", "GET", "/api/v1/validation-runs/:id", [200, 404]],
    ["listRuns", "GET", "/api/v1/validation-runs", [200, 400]],
    ["cancelRun", "POST", "/api/v1/validation-runs/:id/cancel", [200, 404, 409]],
    ["listFindings", "GET", "/api/v1/validation-runs/:id/findings", [200, 404]],
    ["downloadArtifact", "GET", "/api/v1/validation-runs/:id/artifacts/:name", [200, 404]],
    ["listValidators", "GET", "/api/v1/validators", [200]],
  ] as const)("%s is %s %s answering %j", (name, method, path, statuses) => {
    const route = runsContract[name];
    expect(route.method).toBe(method);
    expect(route.path).toBe(path);
    expect(Object.keys(route.responses).map(Number).sort()).toEqual([...statuses]);
    for (const status of statuses.filter((s) => s >= 400)) {
      expect((route.responses as Record<number, unknown>)[status]).toBe(ErrorBody);
    }
  });

  it("answers each route's errors with statuses the route declares", () => {
    const codesByRoute: Record<keyof typeof runsContract, ErrorCode[]> = {
      createRun: [
        "validator_unknown",
        "file_missing",
        "file_unexpected",
        "file_type_unsupported",
        "inputs_invalid",
        "payload_too_large",
        "invalid_request",
      ],
      getRun: ["run_not_found"],
      listRuns: ["invalid_request"],
      cancelRun: ["run_not_found", "run_not_cancellable"],
      listFindings: ["run_not_found"],
      downloadArtifact: ["run_not_found", "artifact_not_found"],
      listValidators: [],
    };
    for (const [name, codes] of Object.entries(codesByRoute)) {
      const declared = Object.keys(runsContract[name as keyof typeof runsContract].responses).map(
        Number,
      );
      for (const code of codes) expect(declared, `${name} ${code}`).toContain(httpStatusOf(code));
    }
  });

  it("has no two routes on the same method and path", () => {
    const keys = Object.values(runsContract).map((route) => `${route.method} ${route.path}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("creates runs from a multipart form", () => {
    expect(runsContract.createRun.contentType).toBe("multipart/form-data");
  });

  it.each([
    [{}, { limit: 50 }],
    [
      { limit: "10", status: "FAILED", cursor: "c1" },
      { limit: 10, status: "FAILED", cursor: "c1" },
    ],
  ])("reads the list query %j as %j", (query, parsed) => {
    expect(ListRunsQuery.parse(query)).toEqual(parsed);
  });

  it.each([
    { limit: "0" },
    { limit: "201" },
    { limit: "1.5" },
    { status: "DONE" },
  ])("refuses the list query %j", (query) => {
    expect(ListRunsQuery.safeParse(query).success).toBe(false);
  });

  describe("through a ts-rest client against a loopback server", () => {
    const client = () =>
      initClient(runsContract, { baseUrl, validateResponse: true, throwOnUnknownStatus: true });

    it("gets, cancels and lists a run's findings under /api/v1", async () => {
      answer(200, run);
      expect((await client().getRun({ params: { id: "run-1" } })).body).toEqual(run);
      expect([lastRequest().method, lastRequest().url]).toEqual([
        "GET",
        "/api/v1/validation-runs/run-1",
      ]);

      answer(200, { ...run, status: "CANCELED" });
      expect((await client().cancelRun({ params: { id: "run-1" } })).status).toBe(200);
      expect([lastRequest().method, lastRequest().url]).toEqual([
        "POST",
        "/api/v1/validation-runs/run-1/cancel",
      ]);

      answer(200, {
        items: [
          { id: "f1", severity: "ERROR", code: null, message: "m", location: null, tags: [] },
        ],
      });
      expect((await client().listFindings({ params: { id: "run-1" } })).status).toBe(200);
      expect(lastRequest().url).toBe("/api/v1/validation-runs/run-1/findings");
    });

    it("lists runs with the filter and cursor in the query string", async () => {
      answer(200, { items: [run], next_cursor: "c2" });
      const result = await client().listRuns({
        query: { status: "FAILED", limit: 10, cursor: "c1" },
      });
      expect(result).toMatchObject({ status: 200, body: { next_cursor: "c2" } });
      const url = new URL(lastRequest().url, baseUrl);
      expect(url.pathname).toBe("/api/v1/validation-runs");
      expect(Object.fromEntries(url.searchParams)).toEqual({
        status: "FAILED",
        limit: "10",
        cursor: "c1",
      });
    });

    it("posts a new run as multipart: validator, inputs as JSON, one file per port key", async () => {
      answer(201, run);
      const form = new FormData();
      form.append("validator", "energyplus");
      form.append("inputs", JSON.stringify({ timestep_per_hour: 4 }));
      form.append(
        "primary_model",
        new File(["abc"], "model.idf", { type: "application/vnd.energyplus.idf" }),
      );
      const result = await client().createRun({ body: form });
      expect(result.status).toBe(201);
      const request = lastRequest();
      expect([request.method, request.url]).toEqual(["POST", "/api/v1/validation-runs"]);
      expect(request.contentType).toMatch(/^multipart\/form-data; boundary=/);
      const received = await new Request(baseUrl, {
        method: "POST",
        headers: { "content-type": request.contentType ?? "" },
        body: request.body,
      }).formData();
      expect(received.get("validator")).toBe("energyplus");
      expect(JSON.parse(String(received.get("inputs")))).toEqual({ timestep_per_hour: 4 });
      const file = received.get("primary_model") as File;
      expect([file.name, await file.text()]).toEqual(["model.idf", "abc"]);
    });

    it("downloads an artifact's bytes", async () => {
      const bytes = Buffer.from([0, 1, 2, 255]);
      answer(200, bytes, "application/octet-stream");
      const result = await client().downloadArtifact({
        params: { id: "run-1", name: "report.bin" },
      });
      expect(lastRequest().url).toBe("/api/v1/validation-runs/run-1/artifacts/report.bin");
      expect(Buffer.from(await (result.body as Blob).arrayBuffer())).toEqual(bytes);
    });

    it("lists validators", async () => {
      answer(200, { items: [] });
      expect((await client().listValidators()).body).toEqual({ items: [] });
      expect(lastRequest().url).toBe("/api/v1/validators");
    });

    it("refuses a run that breaks the Run schema", async () => {
      answer(200, { ...run, status: "DONE" });
      await expect(client().getRun({ params: { id: "run-1" } })).rejects.toThrow();
    });
  });
});
