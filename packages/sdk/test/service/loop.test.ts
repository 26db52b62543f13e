import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  callbackNonceCommitment,
  inputEnvelopeSha256,
  parseInputEnvelope,
  safeParseOutputEnvelope,
  ValidationInputEnvelope,
} from "@validibot/contracts";
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { afterEach, describe, expect, it } from "vitest";
import { MockLauncher } from "../../src/launchers/mock-launcher";
import { ENERGYPLUS, FMU, type Harness, SAMPLE_IDF, startHarness, WORKER_KEY } from "./harness";

async function readText(harness: Harness, uri: string): Promise<string> {
  const stream = await harness.storage.get(harness.storage.keyFor(uri));
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks).toString("utf8");
}

describe("the whole loop over loopback HTTP: MockLauncher, SQLite, FilesystemStorage", () => {
  let harness: Harness;
  afterEach(async () => harness?.close());

  it("submits, launches, takes the real HTTP callback and records findings and metrics", async () => {
    harness = await startHarness({
      launcher: new MockLauncher({
        delayMs: 20,
        delivery: { http: { workerKey: WORKER_KEY } },
        failRate: 0,
      }),
    });
    const { service } = harness;
    const submitted = await service.submit({
      validatorId: ENERGYPLUS.id,
      inputs: { timestep_per_hour: 6 },
      files: [{ port_key: "primary_model", name: "model.idf", body: SAMPLE_IDF }],
    });
    expect(["PENDING", "RUNNING", "SUCCEEDED"]).toContain(submitted.status);
    const done = await service.waitForRun(submitted.id, { timeoutMs: 10_000 });
    expect(done.status).toBe("SUCCEEDED");
    expect(done.result_status).toBe("success");

    const attempt = await harness.store.getAttempt(done.current_attempt_id as string);
    expect(attempt?.status).toBe("COMPLETED");
    // input.json is a contract envelope carrying the nonce whose commitment alone was stored
    const stored = JSON.parse(await readText(harness, attempt?.input_uri as string));
    const envelope = parseInputEnvelope(stored);
    expect(envelope.inputs).toMatchObject({ timestep_per_hour: 6, run_simulation: true });
    expect(callbackNonceCommitment(envelope.context.callback_nonce as string)).toBe(
      attempt?.nonce_commitment,
    );
    expect(inputEnvelopeSha256(stored)).toBe(attempt?.input_sha256);
    expect(envelope.input_files[0]).toMatchObject({
      name: "model.idf",
      port_key: "primary_model",
      role: "primary-model",
      mime_type: "application/vnd.energyplus.idf",
      size_bytes: Buffer.byteLength(SAMPLE_IDF),
    });
    expect(await readText(harness, envelope.input_files[0]?.uri as string)).toBe(SAMPLE_IDF);

    const output = safeParseOutputEnvelope(
      JSON.parse(await readText(harness, attempt?.output_uri as string)),
    );
    expect(output.success).toBe(true);
    const findings = await service.listFindings(done.id);
    expect(findings.map((f) => f.message)).toEqual(output.data?.messages.map((m) => m.text));
    const view = await service.getRunView(done.id);
    expect(view?.metrics.map((m) => m.name)).toContain("site_eui_kwh_m2");
    expect(view?.finding_counts.WARNING).toBeGreaterThan(0);
  });

  it("records a failed validation as FAILED / VALIDATION_FAILED with the ERROR finding", async () => {
    harness = await startHarness({
      launcher: new MockLauncher({
        delayMs: 5,
        delivery: { http: { workerKey: WORKER_KEY } },
        failRate: 1,
      }),
    });
    const run = await harness.service.submit({
      validatorId: FMU.id,
      files: [{ port_key: "fmu", name: "model.fmu", body: Buffer.from("PK\u0003\u0004fake") }],
    });
    const done = await harness.service.waitForRun(run.id, { timeoutMs: 10_000 });
    expect(done).toMatchObject({
      status: "FAILED",
      error_category: "VALIDATION_FAILED",
      result_status: "failed_validation",
    });
    const errors = (await harness.service.listFindings(run.id)).filter(
      (f) => f.severity === "ERROR",
    );
    expect(errors[0]?.code).toBe("fmu.model_structure");
    expect(errors[0]?.location?.path).toBe("ModelStructure/Outputs");
  });

  it("writes an input envelope that the reference JSON Schema accepts", async () => {
    harness = await startHarness({ launcher: new MockLauncher({ delayMs: 1 }) });
    const run = await harness.service.submit({
      validatorId: ENERGYPLUS.id,
      files: [
        { port_key: "primary_model", name: "model.idf", body: SAMPLE_IDF },
        { port_key: "weather_file", name: "site.epw", body: "LOCATION,Denver" },
      ],
    });
    const attempt = await harness.store.getAttempt(run.current_attempt_id as string);
    const stored = JSON.parse(await readText(harness, attempt?.input_uri as string));
    expect(ValidationInputEnvelope.safeParse(stored).success).toBe(true);
    expect(stored.resource_files).toEqual([
      expect.objectContaining({
        port_key: "weather_file",
        type: "energyplus_weather",
        name: "site.epw",
      }),
    ]);
    const reference = JSON.parse(
      readFileSync(
        fileURLToPath(
          new URL(
            "../../../contracts/test/fixtures/reference/EnergyPlusInputEnvelope.schema.json",
            import.meta.url,
          ),
        ),
        "utf8",
      ),
    );
    const ajv = new Ajv2020({ strict: false });
    addFormats(ajv);
    const validate = ajv.compile(reference);
    expect(validate(stored), JSON.stringify(validate.errors)).toBe(true);
    await harness.service.waitForRun(run.id, { timeoutMs: 10_000 });
  });
});
