import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Storage } from "@google-cloud/storage";
import { GcsStorage, storageForUri } from "@validibot/sdk/storage";
import { defineValidator, ExitCode, runAttempt, silentLogger } from "@validibot/validator-runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeGcsServer, startFakeGcsServer } from "../../sdk/test/support/fake-gcs-server";
import { createTestBundle } from "./support/bundle";
import { fixture, runCli } from "./support/cli-process";
import { startTestHost, TEST_WORKER_KEY, type TestHost } from "./support/test-host";

let fake: FakeGcsServer;
let client: Storage;
let host: TestHost;
let buckets = 0;
const resolve = (uri: string) => storageForUri(uri, { gcsStorage: client });

beforeAll(async () => {
  fake = await startFakeGcsServer();
  client = new Storage({ apiEndpoint: fake.url, projectId: "test" });
  host = await startTestHost({ resolve });
});
afterAll(async () => {
  await host.close();
  await fake.close();
});

const bucket = () => new GcsStorage({ bucket: `vr-bucket-${++buckets}`, storage: client });

describe("gs:// bundles", () => {
  it("reads input.json and files from GCS and writes outputs there, create-only, with generations", async () => {
    const bundle = await createTestBundle({
      storage: bucket(),
      callbackUrl: host.url,
      files: [{ port_key: "model", content: '{"errors": 0}' }],
    });
    host.expect(bundle.envelope);
    expect(bundle.inputUri).toMatch(/^gs:\/\/vr-bucket-\d+\/runs\//);
    const outcome = await runAttempt(
      defineValidator({
        type: "CUSTOM_VALIDATOR",
        version: "1",
        async run(ctx) {
          await writeFile(join(ctx.outputsDir, "log.txt"), "ran\n");
          ctx.artifact({ path: join(ctx.outputsDir, "log.txt"), type: "log" });
          ctx.metric({ name: "bytes", value: ctx.file("model").size_bytes });
          return undefined;
        },
      }),
      {
        args: [bundle.inputUri],
        env: { WORKER_API_KEY: TEST_WORKER_KEY },
        storage: resolve,
        handleSignals: false,
        log: silentLogger,
      },
    );
    expect(outcome).toMatchObject({
      exitCode: ExitCode.ok,
      status: "success",
      callback: "delivered",
    });
    const [artifact] = outcome.output?.artifacts ?? [];
    expect(artifact?.uri).toBe(`${bundle.bundleUri}outputs/log.txt`);
    const stored = fake.objects.get(`${artifact?.uri.slice("gs://".length)}`);
    expect(stored?.data.toString()).toBe("ran\n");
    expect(artifact?.storage_version).toBe(stored?.generation);
    expect(outcome.output?.raw_outputs?.manifest_uri).toBe(
      `${bundle.bundleUri}outputs/manifest.json`,
    );
    expect(JSON.parse(await bundle.readText("output.json")).status).toBe("success");
    expect(
      host.received.find((r) => r.output?.run_id === bundle.envelope.run_id)?.error,
    ).toBeNull();
  });

  it("rejects a GCS file whose generation differs from storage_version", async () => {
    const bundle = await createTestBundle({
      storage: bucket(),
      callbackUrl: null,
      files: [{ port_key: "model", content: "{}" }],
      mutate: (e) => {
        (e.input_files[0] as { storage_version: string }).storage_version = "1";
      },
    });
    const outcome = await runAttempt(
      defineValidator({ type: "CUSTOM_VALIDATOR", version: "1", run: async () => undefined }),
      {
        args: [bundle.inputUri],
        env: {},
        storage: resolve,
        handleSignals: false,
        log: silentLogger,
      },
    );
    expect(outcome.status).toBe("failed_runtime");
    expect(outcome.output?.messages[0]).toMatchObject({ code: "file_version_mismatch" });
  });

  it("works from a child process configured only by the environment", async () => {
    const bundle = await createTestBundle({
      storage: bucket(),
      callbackUrl: host.url,
      files: [{ port_key: "model", content: '{"errors": 1}' }],
    });
    host.expect(bundle.envelope);
    const result = await runCli(["run", fixture("report-validator.ts")], {
      VALIDIBOT_INPUT_URI: bundle.inputUri,
      WORKER_API_KEY: TEST_WORKER_KEY,
      VALIDIBOT_GCS_API_ENDPOINT: fake.url,
    });
    expect(result.stderr).toContain("output.json written");
    expect(result.code).toBe(0);
    const callback = host.received.find((r) => r.output?.run_id === bundle.envelope.run_id);
    expect(callback?.error).toBeNull();
    expect(callback?.output?.status).toBe("failed_validation");
    expect(fake.objects.has(`${bundle.outputUri.slice("gs://".length)}`)).toBe(true);
  });
});
