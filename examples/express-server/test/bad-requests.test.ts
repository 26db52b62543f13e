import { ErrorBody, Run, RunPage } from "@validibot/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  postRun,
  runForm,
  SAMPLE_IDF,
  startTestServer,
  type TestServer,
} from "./support/test-server";

let t: TestServer;

beforeAll(async () => {
  t = await startTestServer({ VALIDIBOT_MAX_UPLOAD_BYTES: "4096" });
});
afterAll(async () => t.close());

async function expectError(response: Response, status: number, code: string): Promise<string> {
  const body = ErrorBody.parse(await response.json());
  expect({ status: response.status, code: body.code }).toEqual({ status, code });
  return body.message;
}

async function post(form: FormData): Promise<Response> {
  return fetch(`${t.url}/api/v1/validation-runs`, { method: "POST", body: form });
}

async function runCount(): Promise<number> {
  const page = RunPage.parse(
    await (await fetch(`${t.url}/api/v1/validation-runs?limit=200`)).json(),
  );
  return page.items.length;
}

const idf = { port: "primary_model", name: "model.idf", data: SAMPLE_IDF };

describe("bad run submissions get a 4xx with a stable code", () => {
  it("a missing required file: 400 file_missing, and no run is created", async () => {
    const before = await runCount();
    const message = await expectError(
      await post(runForm("energyplus", [], "{}")),
      400,
      "file_missing",
    );
    expect(message).toContain("primary_model");
    expect(await runCount()).toBe(before);
  });

  it("an unknown validator: 404 validator_unknown", async () => {
    await expectError(await post(runForm("no-such-validator", [idf])), 404, "validator_unknown");
  });

  it("no validator field at all: 400 invalid_request naming it", async () => {
    const form = new FormData();
    form.append("primary_model", new Blob([SAMPLE_IDF]), "model.idf");
    const message = await expectError(await post(form), 400, "invalid_request");
    expect(message).toContain("validator");
  });

  it("a file of the wrong type for its port: 415 file_type_unsupported", async () => {
    await expectError(
      await post(
        runForm("energyplus", [{ port: "primary_model", name: "notes.txt", data: "hello" }]),
      ),
      415,
      "file_type_unsupported",
    );
  });

  it("a file declared with a MIME type the port does not take: 415 file_type_unsupported", async () => {
    await expectError(
      await post(
        runForm("fmu", [{ port: "fmu", name: "unit.fmu", data: "PK", type: "application/pdf" }]),
      ),
      415,
      "file_type_unsupported",
    );
  });

  it("a file for a port the validator lacks: 400 file_unexpected", async () => {
    await expectError(
      await post(runForm("fmu", [{ port: "primary_model", name: "model.idf", data: SAMPLE_IDF }])),
      400,
      "file_unexpected",
    );
  });

  it("an upload over the size limit: 413 payload_too_large, and the server keeps serving", async () => {
    const big = new Uint8Array(256 * 1024).fill(65);
    await expectError(
      await post(runForm("energyplus", [{ port: "primary_model", name: "huge.idf", data: big }])),
      413,
      "payload_too_large",
    );
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
    const { status } = await postRun(t.url, runForm("energyplus", [idf]));
    expect(status).toBe(201);
  });

  it("the second file over the limit: 413, and the run it started is recorded FAILED, not lost", async () => {
    const big = new Uint8Array(64 * 1024).fill(66);
    const response = await post(
      runForm("energyplus", [idf, { port: "weather_file", name: "huge.epw", data: big }]),
    );
    expect(response.status).toBe(413);
    const body = ErrorBody.parse(await response.json());
    expect(body.code).toBe("payload_too_large");
    const page = RunPage.parse(
      await (await fetch(`${t.url}/api/v1/validation-runs?limit=1`)).json(),
    );
    expect(page.items[0]).toMatchObject({ status: "FAILED", error_category: "VALIDATION_FAILED" });
    // the error names the run it had created, so the client can look it up
    expect(body.run_id).toBe(page.items[0]?.id);
  });

  it("inputs that are not JSON: 400 invalid_json", async () => {
    await expectError(await post(runForm("energyplus", [idf], "{not json")), 400, "invalid_json");
  });

  it("inputs that do not fit the validator's schema: 400 inputs_invalid naming the field", async () => {
    const message = await expectError(
      await post(runForm("energyplus", [idf], JSON.stringify({ run_simulation: "yes please" }))),
      400,
      "inputs_invalid",
    );
    expect(message).toContain("run_simulation");
  });

  it("two files for one port: 400 invalid_request", async () => {
    await expectError(
      await post(runForm("energyplus", [idf, { ...idf, name: "other.idf" }])),
      400,
      "invalid_request",
    );
  });

  it("a text field that is not validator or inputs: 400 invalid_request naming it", async () => {
    const form = runForm("energyplus");
    form.append("primary_model", "just text, not a file");
    const message = await expectError(await post(form), 400, "invalid_request");
    expect(message).toContain("primary_model");
  });

  it("a text field after the files: 400 invalid_request, and the run it started is recorded FAILED", async () => {
    const form = runForm("energyplus", [idf]);
    form.append("inputs", "{}");
    const message = await expectError(await post(form), 400, "invalid_request");
    expect(message).toContain("before the files");
    const page = RunPage.parse(
      await (await fetch(`${t.url}/api/v1/validation-runs?limit=1`)).json(),
    );
    expect(page.items[0]).toMatchObject({ status: "FAILED", error_category: "VALIDATION_FAILED" });
  });

  it("a body that is not multipart: 400 invalid_request", async () => {
    const response = await fetch(`${t.url}/api/v1/validation-runs`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ validator: "energyplus" }),
    });
    await expectError(response, 400, "invalid_request");
  });

  it("a truncated multipart body: 400 invalid_request", async () => {
    const boundary = "----broken";
    const body = `--${boundary}\r\nContent-Disposition: form-data; name="validator"\r\n\r\nenergyplus\r\n--${boundary}\r\nContent-Disposition: form-data; name="primary_model"; filename="m.idf"\r\n\r\nVersion,24.1;`;
    const response = await fetch(`${t.url}/api/v1/validation-runs`, {
      method: "POST",
      headers: { "content-type": `multipart/form-data; boundary=${boundary}` },
      body,
    });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(ErrorBody.parse(await response.json()).code).toBe("invalid_request");
  });
});

describe("bad reads get a 4xx with a stable code", () => {
  it("an unknown run: 404 run_not_found on every run route", async () => {
    const id = "00000000-0000-0000-0000-000000000000";
    for (const [method, path] of [
      ["GET", `/api/v1/validation-runs/${id}`],
      ["GET", `/api/v1/validation-runs/${id}/findings`],
      ["GET", `/api/v1/validation-runs/${id}/artifacts/report.txt`],
      ["POST", `/api/v1/validation-runs/${id}/cancel`],
    ] as const) {
      const response = await fetch(`${t.url}${path}`, { method });
      expect(response.status, path).toBe(404);
      expect(ErrorBody.parse(await response.json()).code, path).toBe("run_not_found");
    }
  });

  it("an unknown artifact of a known run: 404 artifact_not_found", async () => {
    const { body } = await postRun(t.url, runForm("energyplus", [idf]));
    const run = Run.parse(body);
    const response = await fetch(`${t.url}/api/v1/validation-runs/${run.id}/artifacts/missing.csv`);
    await expectError(response, 404, "artifact_not_found");
  });

  it("cancel of a run that has ended: 409 run_not_cancellable", async () => {
    const { body } = await postRun(t.url, runForm("energyplus", [idf]));
    const run = Run.parse(body);
    await t.server.service.waitForRun(run.id, { timeoutMs: 10_000 });
    const response = await fetch(`${t.url}/api/v1/validation-runs/${run.id}/cancel`, {
      method: "POST",
    });
    await expectError(response, 409, "run_not_cancellable");
  });

  it("a path that cannot be decoded: 400 invalid_request, not a server error", async () => {
    for (const path of ["/api/v1/validation-runs/%E0%A4%A", "/runs/%E0%A4%A"]) {
      await expectError(await fetch(`${t.url}${path}`), 400, "invalid_request");
    }
  });

  it("a bad list query: 400 invalid_request naming the parameter", async () => {
    for (const [query, field] of [
      ["status=DONE", "status"],
      ["limit=0", "limit"],
      ["limit=many", "limit"],
      ["limit=1000", "limit"],
      ["cursor=not-a-cursor", "cursor"],
    ] as const) {
      const response = await fetch(`${t.url}/api/v1/validation-runs?${query}`);
      const message = await expectError(response, 400, "invalid_request");
      expect(message, query).toContain(field);
    }
  });
});
