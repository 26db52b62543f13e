import { Storage } from "@google-cloud/storage";
import { inputEnvelopeSha256, parseInputEnvelope } from "@validibot/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MockLauncher } from "../../src/launchers/mock-launcher";
import { GcsStorage } from "../../src/storage/gcs-storage";
import { type FakeGcsServer, startFakeGcsServer } from "../support/fake-gcs-server";
import { ENERGYPLUS, type Harness, SAMPLE_IDF, startHarness, WORKER_KEY } from "./harness";

let fake: FakeGcsServer;
let harness: Harness;

beforeAll(async () => {
  fake = await startFakeGcsServer();
  const storage = new GcsStorage({
    bucket: "validibot-runs",
    storage: new Storage({ apiEndpoint: fake.url, projectId: "test" }),
  });
  harness = await startHarness({
    launcher: new MockLauncher({
      delayMs: 10,
      delivery: { http: { workerKey: WORKER_KEY } },
      failRate: 1,
    }),
    storage,
  });
});
afterAll(async () => {
  await harness.close();
  await fake.close();
});

describe("the whole loop with GcsStorage against the loopback GCS fake", () => {
  it("writes the bundle to gs://, takes the callback, reads output.json back by generation", async () => {
    const run = await harness.service.submit({
      validatorId: ENERGYPLUS.id,
      files: [{ port_key: "primary_model", name: "model.idf", body: SAMPLE_IDF }],
    });
    const done = await harness.service.waitForRun(run.id, { timeoutMs: 15_000 });
    expect(done).toMatchObject({ status: "FAILED", error_category: "VALIDATION_FAILED" });
    expect((await harness.service.listFindings(run.id)).some((f) => f.severity === "ERROR")).toBe(
      true,
    );

    const attempt = await harness.store.getAttempt(done.current_attempt_id as string);
    expect(attempt?.input_uri).toMatch(/^gs:\/\/validibot-runs\/runs\/default\/.+\/input\.json$/);
    const input = fake.objects.get(
      `validibot-runs/${harness.storage.keyFor(attempt?.input_uri as string)}`,
    );
    const envelope = parseInputEnvelope(JSON.parse(input?.data.toString("utf8") ?? "null"));
    expect(inputEnvelopeSha256(envelope)).toBe(attempt?.input_sha256);
    const model = envelope.input_files[0];
    expect(model?.uri.startsWith("gs://validibot-runs/")).toBe(true);
    // the storage_version of a GCS object is its generation
    expect(model?.storage_version).toBe(
      fake.objects.get(`validibot-runs/${harness.storage.keyFor(model?.uri as string)}`)
        ?.generation,
    );
    expect(
      fake.objects.has(`validibot-runs/${harness.storage.keyFor(attempt?.output_uri as string)}`),
    ).toBe(true);
  });
});
