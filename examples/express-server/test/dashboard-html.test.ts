import { Run } from "@validibot/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { escapeHtml, html, jsonForScript } from "../src/dashboard/html";
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

async function page(path: string): Promise<{ status: number; text: string; headers: Headers }> {
  const response = await fetch(`${t.url}${path}`);
  return { status: response.status, text: await response.text(), headers: response.headers };
}

async function finishedRun(name = "model.idf"): Promise<Run> {
  const { body } = await postRun(
    t.url,
    runForm("energyplus", [{ port: "primary_model", name, data: SAMPLE_IDF }]),
  );
  const run = Run.parse(body);
  await t.server.service.waitForRun(run.id, { timeoutMs: 10_000 });
  return run;
}

describe("HTML escaping", () => {
  it("escapes every interpolated value, leaves html`` fragments alone", () => {
    const name = `<img src=x onerror="alert('1')">&`;
    expect(html`<td>${name}</td>`.value).toBe(
      "<td>&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt;&amp;</td>",
    );
    expect(html`<ul>${["<a>", html`<li>ok</li>`]}</ul>`.value).toBe(
      "<ul>&lt;a&gt;<li>ok</li></ul>",
    );
    expect(html`${null}${undefined}${false}${0}`.value).toBe("0");
    expect(escapeHtml("`")).toBe("&#96;");
  });

  it("keeps JSON for a script block from closing the script", () => {
    const text = jsonForScript({ name: "</script><script>alert(1)</script>" }).value;
    expect(text).not.toContain("</script>");
    expect(JSON.parse(text)).toEqual({ name: "</script><script>alert(1)</script>" });
  });
});

describe("the dashboard pages", () => {
  it("/ lists runs newest first with status, counts and links, under a nonce CSP", async () => {
    const older = await finishedRun("older.idf");
    const newer = await finishedRun("newer.idf");
    const { status, text, headers } = await page("/");
    expect(status).toBe(200);
    expect(headers.get("content-type")).toContain("text/html");
    const csp = headers.get("content-security-policy") ?? "";
    const nonce = /script-src 'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeTruthy();
    expect(text).toContain(`<script nonce="${nonce}">`);
    expect(text.indexOf(`data-run-id="${newer.id}"`)).toBeLessThan(
      text.indexOf(`data-run-id="${older.id}"`),
    );
    expect(text).toContain(`href="/runs/${newer.id}"`);
    expect(text).toMatch(/class="badge SUCCEEDED" data-field="status">SUCCEEDED</);
  });

  it("/ filters by status and pages with the cursor", async () => {
    await finishedRun();
    await finishedRun();
    const first = await page("/?limit=1");
    const next = /href="(\/\?cursor=[^"]+)" rel="next"/.exec(first.text)?.[1];
    expect(next).toBeTruthy();
    const second = await page((next ?? "").replace(/&amp;/g, "&"));
    expect(second.status).toBe(200);
    expect(second.text).toContain("← Newest");
    const none = await page("/?status=TIMED_OUT");
    expect(none.text).toContain("No runs with status TIMED_OUT yet.");
    expect(none.text).not.toMatch(/data-run-id="[0-9a-f]/);
  });

  it("/ answers a bad filter with a 400 page, not a crash", async () => {
    const { status, text } = await page("/?status=DONE");
    expect(status).toBe(400);
    expect(text).toContain("Bad request");
    expect((await page("/?cursor=zzz")).status).toBe(400);
  });

  it("/runs/:id shows findings, metrics, files and timing, with user text escaped", async () => {
    const run = await finishedRun("<script>alert(1)<-script>.idf");
    const { status, text } = await page(`/runs/${run.id}`);
    expect(status).toBe(200);
    expect(text).toContain('id="findings"');
    expect(text).toContain("energyplus.warning");
    expect(text).toContain("site_eui_kwh_m2");
    expect(text).toContain("&lt;script&gt;alert(1)&lt;-script&gt;.idf");
    expect(text).not.toContain("<script>alert(1)");
    expect(text).toMatch(/<dt>Finished<\/dt><dd>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC<\/dd>/);
  });

  it("/runs/:id of an unknown run is a 404 page", async () => {
    const { status, text } = await page("/runs/nope");
    expect(status).toBe(404);
    expect(text).toContain("Run not found");
  });

  it("/new has a form per validator posting to the runs API, with a file input per port", async () => {
    const { status, text } = await page("/new");
    expect(status).toBe(200);
    expect(text).toContain('data-validator="energyplus"');
    expect(text).toContain('data-validator="fmu"');
    expect(text).toContain('<input type="file" name="primary_model" required>');
    expect(text).toContain('<input type="file" name="weather_file">');
    expect(text).toContain('action="/api/v1/validation-runs"');
  });

  it("a browser form with an optional file left empty is accepted", async () => {
    const form = runForm(
      "energyplus",
      [{ port: "primary_model", name: "m.idf", data: SAMPLE_IDF }],
      "{}",
    );
    form.append("weather_file", new Blob([]), "");
    const { status, body } = await postRun(t.url, form);
    expect(status).toBe(201);
    expect(Run.parse(body).files.map((f) => f.port_key)).toEqual(["primary_model"]);
  });
});

describe("/events", () => {
  it("streams each change of a run as a `run` event with the run as the API shows it", async () => {
    const controller = new AbortController();
    const response = await fetch(`${t.url}/events`, { signal: controller.signal });
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const { body } = await postRun(
      t.url,
      runForm("fmu", [{ port: "fmu", name: "u.fmu", data: "PK" }]),
    );
    const id = Run.parse(body).id;
    const statuses: string[] = [];
    let buffer = "";
    const decoder = new TextDecoder();
    while (!statuses.includes("SUCCEEDED")) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let end = buffer.indexOf("\n\n");
      while (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = block.split("\n").find((line) => line.startsWith("data: "));
        if (block.includes("event: run") && data) {
          const run = Run.parse(JSON.parse(data.slice(6)));
          if (run.id === id) statuses.push(run.status);
        }
        end = buffer.indexOf("\n\n");
      }
    }
    controller.abort();
    expect(statuses.at(-1)).toBe("SUCCEEDED");
    expect(statuses.length).toBeGreaterThanOrEqual(2);
  });
});
