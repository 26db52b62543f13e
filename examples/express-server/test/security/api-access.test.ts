import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  plainFetch,
  runForm,
  SAMPLE_IDF,
  startTestServer,
  type TestServer,
} from "../support/test-server";

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t?.close());

const model = () =>
  runForm("energyplus", [{ port: "primary_model", name: "m.idf", data: SAMPLE_IDF }]);
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
async function code(response: Response): Promise<[number, unknown]> {
  return [response.status, ((await response.json()) as { code?: unknown }).code];
}

describe("the runs API behind API tokens", () => {
  it("refuses no token, a wrong one, an expired and a revoked one with their codes", async () => {
    const runs = `${t.url}/api/v1/validation-runs`;
    expect(await code(await plainFetch(runs))).toEqual([401, "api_token_missing"]);
    expect(await code(await plainFetch(runs, { headers: bearer("vbt_wrong") }))).toEqual([
      401,
      "api_token_invalid",
    ]);
    const org = { id: "default", name: "Default" };
    const expired = await t.server.tokens.create({
      org,
      scopes: ["admin"],
      expiresAt: new Date(Date.now() - 1000),
    });
    expect(await code(await plainFetch(runs, { headers: bearer(expired.token) }))).toEqual([
      401,
      "api_token_expired",
    ]);
    const revoked = await t.server.tokens.create({ org, scopes: ["admin"] });
    expect((await plainFetch(runs, { headers: bearer(revoked.token) })).status).toBe(200);
    await t.server.tokens.revoke(revoked.record.id);
    expect(await code(await plainFetch(runs, { headers: bearer(revoked.token) }))).toEqual([
      401,
      "api_token_revoked",
    ]);
  });

  it("shows organization B's run to a token of A as 404 run_not_found, and never lists it", async () => {
    const a = await t.server.tokens.create({ org: { id: "org-a", name: "A" }, scopes: ["admin"] });
    const b = await t.server.tokens.create({ org: { id: "org-b", name: "B" }, scopes: ["admin"] });
    const created = await plainFetch(`${t.url}/api/v1/validation-runs`, {
      method: "POST",
      body: model(),
      headers: bearer(b.token),
    });
    expect(created.status).toBe(201);
    const run = (await created.json()) as { id: string; org_id: string };
    expect(run.org_id).toBe("org-b");
    for (const path of ["", "/findings", "/artifacts/report.csv"]) {
      const response = await plainFetch(`${t.url}/api/v1/validation-runs/${run.id}${path}`, {
        headers: bearer(a.token),
      });
      expect(await code(response)).toEqual([404, "run_not_found"]);
    }
    const cancel = await plainFetch(`${t.url}/api/v1/validation-runs/${run.id}/cancel`, {
      method: "POST",
      headers: bearer(a.token),
    });
    expect(await code(cancel)).toEqual([404, "run_not_found"]);
    const list = (await (
      await plainFetch(`${t.url}/api/v1/validation-runs`, { headers: bearer(a.token) })
    ).json()) as { items: unknown[] };
    expect(list.items).toEqual([]);
  });

  it("lets a runs:read token read but not submit or cancel (403 api_scope_insufficient, no run made)", async () => {
    const reader = await t.server.tokens.create({
      org: { id: "org-r", name: "R" },
      scopes: ["runs:read"],
    });
    const submit = await plainFetch(`${t.url}/api/v1/validation-runs`, {
      method: "POST",
      body: model(),
      headers: bearer(reader.token),
    });
    expect(await code(submit)).toEqual([403, "api_scope_insufficient"]);
    expect((await t.server.service.listRuns({ orgId: "org-r" })).items).toEqual([]);
  });

  it("refuses a DNS-rebinding Host and a cross-origin write, with security headers on the answer", async () => {
    const port = new URL(t.url).port;
    const status = await new Promise<[number, string | undefined]>((resolve, reject) => {
      const req = request(
        {
          host: "127.0.0.1",
          port,
          path: "/api/v1/validation-runs",
          headers: { host: `evil.example:${port}`, ...bearer(t.token) },
        },
        (res) => {
          let body = "";
          res.on("data", (c) => {
            body += c;
          });
          res.on("end", () =>
            resolve([res.statusCode ?? 0, (JSON.parse(body) as { code?: string }).code]),
          );
        },
      );
      req.on("error", reject);
      req.end();
    });
    expect(status).toEqual([403, "host_not_allowed"]);
    const before = (await t.server.service.listRuns()).items.length;
    const cross = await plainFetch(`${t.url}/api/v1/validation-runs`, {
      method: "POST",
      body: model(),
      headers: { ...bearer(t.token), origin: "http://127.0.0.1:1" },
    });
    expect(await code(cross)).toEqual([403, "origin_not_allowed"]);
    const site = await plainFetch(`${t.url}/api/v1/validation-runs`, {
      method: "POST",
      body: model(),
      headers: { ...bearer(t.token), "sec-fetch-site": "cross-site" },
    });
    expect(await code(site)).toEqual([403, "origin_not_allowed"]);
    expect((await t.server.service.listRuns()).items.length).toBe(before);
    expect(cross.headers.get("x-content-type-options")).toBe("nosniff");
    expect(cross.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(cross.headers.get("referrer-policy")).toBe("no-referrer");
  });
});
