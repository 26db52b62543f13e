import { createHash } from "node:crypto";
import { CALLBACK_PATH, ErrorBody, Run, RunPage, ValidatorDescriptor } from "@validibot/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import {
  postRun,
  runForm,
  SAMPLE_IDF,
  startTestServer,
  type TestServer,
} from "./support/test-server";

let t: TestServer;

beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => t.close());

async function getJson(path: string): Promise<{ status: number; body: unknown; headers: Headers }> {
  const response = await fetch(`${t.url}${path}`);
  return { status: response.status, body: await response.json(), headers: response.headers };
}

async function submitIdf(name = "model.idf"): Promise<Run> {
  const { status, body } = await postRun(
    t.url,
    runForm("energyplus", [{ port: "primary_model", name, data: SAMPLE_IDF }]),
  );
  expect(status).toBe(201);
  return Run.parse(body);
}

async function settled(id: string): Promise<Run> {
  await t.server.service.waitForRun(id, { timeoutMs: 10_000 });
  return Run.parse((await getJson(`/api/v1/validation-runs/${id}`)).body);
}

describe("the runs API", () => {
  it("GET /healthz answers ok with the mode", async () => {
    const { status, body } = await getJson("/healthz");
    expect(status).toBe(200);
    expect(body).toEqual({ status: "ok", mode: "mock", validators: 2 });
  });

  it("GET /api/v1/validators lists the configured validators with their ports and inputs schema", async () => {
    const { status, body } = await getJson("/api/v1/validators");
    expect(status).toBe(200);
    const items = z.object({ items: z.array(ValidatorDescriptor) }).parse(body).items;
    expect(items.map((v) => v.id)).toEqual(["energyplus", "fmu"]);
    const energyplus = items[0];
    expect(energyplus?.file_ports.map((p) => [p.port_key, p.required, p.resource])).toEqual([
      ["primary_model", true, false],
      ["weather_file", false, true],
    ]);
    expect(energyplus?.inputs_schema).toMatchObject({
      type: "object",
      properties: { run_simulation: { type: "boolean" } },
    });
  });

  it("POST /api/v1/validation-runs stores every file as sent and answers 201 with the run and its Location", async () => {
    const weather = "LOCATION,Somewhere,,,,,0,0,0,0\n".repeat(200);
    const { status, body, headers } = await postRun(
      t.url,
      runForm(
        "energyplus",
        [
          { port: "primary_model", name: "building.idf", data: SAMPLE_IDF },
          { port: "weather_file", name: "site.epw", data: weather },
        ],
        JSON.stringify({ run_simulation: false }),
      ),
    );
    expect(status).toBe(201);
    const run = Run.parse(body);
    expect(headers.get("location")).toBe(`/api/v1/validation-runs/${run.id}`);
    expect(run.validator_id).toBe("energyplus");
    expect(run.inputs).toMatchObject({ run_simulation: false });
    const sha = (text: string) => createHash("sha256").update(text).digest("hex");
    expect(run.files).toEqual([
      {
        port_key: "primary_model",
        name: "building.idf",
        mime_type: "application/vnd.energyplus.idf",
        size_bytes: SAMPLE_IDF.length,
        sha256: sha(SAMPLE_IDF),
      },
      {
        port_key: "weather_file",
        name: "site.epw",
        mime_type: "application/vnd.energyplus.epw",
        size_bytes: weather.length,
        sha256: sha(weather),
      },
    ]);
    expect((await settled(run.id)).status).toBe("SUCCEEDED");
  });

  it("GET /api/v1/validation-runs/:id shows the finished run with counts and metrics", async () => {
    const run = await settled((await submitIdf()).id);
    expect(run.status).toBe("SUCCEEDED");
    expect(run.result_status).toBe("success");
    expect(run.finished_at).not.toBeNull();
    expect(run.finding_counts.WARNING + run.finding_counts.INFO).toBeGreaterThan(0);
    expect(run.metrics.map((m) => m.name)).toContain("site_eui_kwh_m2");
  });

  it("GET /api/v1/validation-runs/:id/findings lists the findings in order", async () => {
    const run = await settled((await submitIdf()).id);
    const { status, body } = await getJson(`/api/v1/validation-runs/${run.id}/findings`);
    expect(status).toBe(200);
    const items = (body as { items: { severity: string; code: string; message: string }[] }).items;
    expect(items.length).toBe(
      run.finding_counts.INFO + run.finding_counts.WARNING + run.finding_counts.ERROR,
    );
    expect(items[0]).toMatchObject({ severity: "WARNING", code: "energyplus.warning" });
  });

  it("GET /api/v1/validation-runs lists newest first, filters by status and pages by cursor", async () => {
    const a = await settled((await submitIdf("a.idf")).id);
    const b = await settled((await submitIdf("b.idf")).id);
    const first = RunPage.parse((await getJson("/api/v1/validation-runs?limit=1")).body);
    expect(first.items.map((r) => r.id)).toEqual([b.id]);
    expect(first.next_cursor).not.toBeNull();
    const second = RunPage.parse(
      (
        await getJson(
          `/api/v1/validation-runs?limit=1&cursor=${encodeURIComponent(first.next_cursor ?? "")}`,
        )
      ).body,
    );
    expect(second.items.map((r) => r.id)).toEqual([a.id]);
    const succeeded = RunPage.parse(
      (await getJson("/api/v1/validation-runs?status=SUCCEEDED&limit=200")).body,
    );
    expect(succeeded.items.every((r) => r.status === "SUCCEEDED")).toBe(true);
    expect(succeeded.items.map((r) => r.id)).toEqual(expect.arrayContaining([a.id, b.id]));
    const canceled = RunPage.parse((await getJson("/api/v1/validation-runs?status=CANCELED")).body);
    expect(canceled.items.map((r) => r.id)).not.toContain(a.id);
  });

  it("POST /api/v1/validation-runs/:id/cancel cancels a running run, and refuses an ended one with 409", async () => {
    const slow = await startTestServer({ VALIDIBOT_MOCK_DELAY_MS: "60000" });
    try {
      const { body } = await postRun(
        slow.url,
        runForm("fmu", [{ port: "fmu", name: "unit.fmu", data: "PK fake" }]),
      );
      const run = Run.parse(body);
      expect(run.status).toBe("RUNNING");
      const canceled = await fetch(`${slow.url}/api/v1/validation-runs/${run.id}/cancel`, {
        method: "POST",
      });
      expect(canceled.status).toBe(200);
      expect(Run.parse(await canceled.json()).status).toBe("CANCELED");
      const again = await fetch(`${slow.url}/api/v1/validation-runs/${run.id}/cancel`, {
        method: "POST",
      });
      expect(again.status).toBe(409);
      expect(ErrorBody.parse(await again.json()).code).toBe("run_not_cancellable");
    } finally {
      await slow.close();
    }
  });

  it("GET /api/v1/validation-runs/:id/artifacts/:name answers 404 artifact_not_found for a name the run lacks", async () => {
    const run = await settled((await submitIdf()).id);
    const { status, body } = await getJson(
      `/api/v1/validation-runs/${run.id}/artifacts/nothing.csv`,
    );
    expect(status).toBe(404);
    expect(ErrorBody.parse(body).code).toBe("artifact_not_found");
  });

  it("POST to the callback endpoint authenticates: no Worker-Key is 401", async () => {
    const response = await fetch(`${t.url}${CALLBACK_PATH}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        run_id: "x",
        callback_id: "y",
        callback_nonce: "z",
        status: "success",
        result_uri: "file:///x",
      }),
    });
    expect(response.status).toBe(401);
    expect(ErrorBody.parse(await response.json()).code).toMatch(/^auth_/);
  });

  it("GET /openapi.json documents the runs API and the callback endpoint", async () => {
    const { status, body } = await getJson("/openapi.json");
    expect(status).toBe(200);
    const doc = body as {
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
      servers: { url: string }[];
    };
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.servers[0]?.url).toBe(t.server.publicUrl);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        "/api/v1/validation-runs",
        "/api/v1/validation-runs/{id}",
        "/api/v1/validation-runs/{id}/cancel",
        "/api/v1/validation-runs/{id}/findings",
        "/api/v1/validation-runs/{id}/artifacts/{name}",
        "/api/v1/validators",
        CALLBACK_PATH,
      ]),
    );
    expect(Object.keys(doc.paths["/api/v1/validation-runs"] ?? {})).toEqual(
      expect.arrayContaining(["get", "post"]),
    );
  });

  it("answers an unknown route 404 route_not_found with the error body", async () => {
    for (const [method, path] of [
      ["GET", "/api/v1/nothing"],
      ["DELETE", "/api/v1/validation-runs/abc"],
      ["GET", "/no/such/page"],
    ] as const) {
      const response = await fetch(`${t.url}${path}`, { method });
      expect(response.status, `${method} ${path}`).toBe(404);
      expect(ErrorBody.parse(await response.json()).code).toBe("route_not_found");
    }
  });
});
