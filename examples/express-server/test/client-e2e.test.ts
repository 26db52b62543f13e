import { createHash, randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { ValidibotError } from "@validibot/contracts";
import { createValidibotClient, type ValidibotClient } from "@validibot/sdk/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SAMPLE_IDF, startTestServer, type TestServer } from "./support/test-server";

let t: TestServer;
let client: ValidibotClient;

beforeAll(async () => {
  t = await startTestServer();
  client = createValidibotClient({ baseUrl: t.url, token: t.token });
});
afterAll(async () => t.close());

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ValidibotError);
  return (error as ValidibotError).code;
}

describe("the typed client against the reference server", () => {
  it("lists the validators", async () => {
    const validators = await client.listValidators();
    expect(validators.map((v) => v.id)).toEqual(["energyplus", "fmu"]);
  });

  it("submits a model from a path, waits for the run, reads its findings", async () => {
    const path = join(t.dir, "office.idf");
    writeFileSync(path, SAMPLE_IDF);
    const submitted = await client.submitRun({
      validator: "energyplus",
      inputs: { run_simulation: false },
      files: [{ port_key: "primary_model", path }],
    });
    expect(submitted.files[0]).toMatchObject({ name: "office.idf", size_bytes: SAMPLE_IDF.length });
    const run = await client.waitForRun(submitted.id, { intervalMs: 50, timeoutMs: 10_000 });
    expect(run.status).toBe("SUCCEEDED");
    const findings = await client.listFindings(run.id);
    expect(findings.length).toBe(
      run.finding_counts.INFO + run.finding_counts.WARNING + run.finding_counts.ERROR,
    );
    expect(findings.length).toBeGreaterThan(0);
  });

  it("streams a large file from a stream with its bytes intact", async () => {
    const bytes = randomBytes(8 * 1024 * 1024);
    async function* chunks() {
      for (let offset = 0; offset < bytes.length; offset += 64 * 1024)
        yield bytes.subarray(offset, offset + 64 * 1024);
    }
    const run = await client.submitRun({
      validator: "fmu",
      files: [{ port_key: "fmu", name: "big.fmu", data: Readable.from(chunks()) }],
    });
    expect(run.files).toEqual([
      expect.objectContaining({
        port_key: "fmu",
        size_bytes: bytes.length,
        sha256: createHash("sha256").update(bytes).digest("hex"),
      }),
    ]);
  });

  it("pages through runs with the cursor", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const run = await client.submitRun({
        validator: "fmu",
        files: [{ port_key: "fmu", name: `u${i}.fmu`, data: "PK" }],
      });
      ids.push(run.id);
    }
    const first = await client.listRuns({ limit: 2 });
    expect(first.items.map((r) => r.id)).toEqual([ids[2], ids[1]]);
    const second = await client.listRuns({ limit: 2, cursor: first.next_cursor ?? undefined });
    expect(second.items[0]?.id).toBe(ids[0]);
  });

  it("cancels a run, then reports run_not_cancellable", async () => {
    const slow = await startTestServer({ VALIDIBOT_MOCK_DELAY_MS: "60000" });
    try {
      const slowClient = createValidibotClient({ baseUrl: slow.url, token: slow.token });
      const run = await slowClient.submitRun({
        validator: "fmu",
        files: [{ port_key: "fmu", name: "u.fmu", data: "PK" }],
      });
      expect((await slowClient.cancelRun(run.id)).status).toBe("CANCELED");
      expect(await codeOf(slowClient.cancelRun(run.id))).toBe("run_not_cancellable");
      await expect(slowClient.waitForRun(run.id, { timeoutMs: 1000 })).resolves.toMatchObject({
        status: "CANCELED",
      });
    } finally {
      await slow.close();
    }
  });

  it("throws ValidibotError with the server's code for refused requests", async () => {
    expect(await codeOf(client.submitRun({ validator: "nope", files: [] }))).toBe(
      "validator_unknown",
    );
    expect(await codeOf(client.submitRun({ validator: "energyplus", files: [] }))).toBe(
      "file_missing",
    );
    expect(await codeOf(client.getRun("no-such-run"))).toBe("run_not_found");
    expect(await codeOf(client.listFindings("no-such-run"))).toBe("run_not_found");
    expect(await codeOf(client.downloadArtifact("no-such-run", "a.csv"))).toBe("run_not_found");
    expect(await codeOf(client.listRuns({ cursor: "garbage" }))).toBe("invalid_request");
  });

  it("exposes the raw ts-rest client, answers as values (FormData submissions included)", async () => {
    const missing = await client.api.getRun({ params: { id: "no-such-run" } });
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ code: "run_not_found" });
    const form = new FormData();
    form.append("validator", "fmu");
    form.append("fmu", new File(["PK"], "raw.fmu"));
    const created = await client.api.createRun({ body: form as never });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      validator_id: "fmu",
      files: [expect.objectContaining({ name: "raw.fmu" })],
    });
  });
});
