import { createHash } from "node:crypto";
import { fileURLToPath } from "node:url";
import { createValidibotClient } from "@validibot/sdk/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./support/test-server";

// A validator written in Python with only its standard library, launched as a local process:
// the server relies on the wire contract, not on the TypeScript runtime.
const CONFIG = fileURLToPath(new URL("./fixtures/python.config.json", import.meta.url));

let t: TestServer;

beforeAll(async () => {
  t = await startTestServer({ VALIDIBOT_MODE: "local", VALIDIBOT_CONFIG: CONFIG });
});
afterAll(async () => t.close());

function documentOf(paragraphs: string[]) {
  return { port_key: "document", name: "essay.json", data: JSON.stringify({ paragraphs }) };
}

describe("a validator written in Python completes runs through the callback", () => {
  it("succeeds with its findings, metrics and a downloadable artifact", async () => {
    const client = createValidibotClient({ baseUrl: t.url, token: t.token });
    const submitted = await client.submitRun({
      validator: "word-count",
      files: [documentOf(["The first paragraph is done.", "TODO write the ending"])],
    });
    const run = await client.waitForRun(submitted.id, { timeoutMs: 20_000, intervalMs: 100 });
    expect(run.status).toBe("SUCCEEDED");
    expect(run.result_status).toBe("success");
    expect(run.metrics.map((m) => [m.name, m.value])).toEqual([
      ["words", 9],
      ["paragraphs", 2],
    ]);
    const findings = await client.listFindings(run.id);
    expect(findings.map((f) => [f.severity, f.code])).toEqual([
      ["WARNING", "py.todo"],
      ["INFO", "py.counted"],
    ]);
    expect(findings[0]?.location).toEqual({
      file_role: "document",
      line: null,
      column: 1,
      path: "paragraphs[1]",
    });

    const report = "words=9\nparagraphs=2\n";
    expect(run.artifacts).toEqual([
      {
        name: "report.txt",
        type: "report",
        mime_type: "text/plain",
        size_bytes: report.length,
        sha256: createHash("sha256").update(report).digest("hex"),
      },
    ]);
    const chunks: Buffer[] = [];
    for await (const chunk of await client.downloadArtifact(run.id, "report.txt"))
      chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe(report);

    const response = await fetch(`${t.url}/api/v1/validation-runs/${run.id}/artifacts/report.txt`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/plain");
    expect(response.headers.get("content-length")).toBe(String(report.length));
    expect(response.headers.get("content-disposition")).toBe(
      `attachment; filename="report.txt"; filename*=UTF-8''report.txt`,
    );
    expect(await response.text()).toBe(report);
  });

  it("fails validation when its inputs make a finding blocking", async () => {
    const client = createValidibotClient({ baseUrl: t.url, token: t.token });
    const submitted = await client.submitRun({
      validator: "word-count",
      inputs: { strict: true },
      files: [documentOf(["TODO everything"])],
    });
    const run = await client.waitForRun(submitted.id, { timeoutMs: 20_000, intervalMs: 100 });
    expect(run.status).toBe("FAILED");
    expect(run.error_category).toBe("VALIDATION_FAILED");
    expect(run.finding_counts).toEqual({ INFO: 1, WARNING: 0, ERROR: 1 });
  });
});
