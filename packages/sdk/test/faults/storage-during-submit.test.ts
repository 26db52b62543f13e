import { Readable } from "node:stream";
import { Storage } from "@google-cloud/storage";
import { ValidibotError } from "@validibot/contracts";
import { MockLauncher, type RunRecord } from "@validibot/sdk";
import { GcsStorage } from "@validibot/sdk/storage";
import { SqliteRunStore } from "@validibot/sdk/store";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ENERGYPLUS, SAMPLE_IDF } from "../service/harness";
import { type FakeGcsServer, startFakeGcsServer } from "../support/fake-gcs-server";
import { bundleObjects, tempFilesUnder } from "./support/bundle-files";
import { FaultyStorage } from "./support/faulty-storage";
import { FlakyLauncher, storeFailingOnce } from "./support/flaky";
import { type Host, type HostOptions, startHost } from "./support/host";
import { expectEveryRunSettled } from "./support/invariants";

const WEATHER_BYTES = 256 * 1024;

/** A weather file of `WEATHER_BYTES`, streamed in 8 KiB chunks as an upload would arrive. */
function weatherStream(): Readable {
  const line = Buffer.from("8760,1,1,0,60,A7A7,15.2,10.1,72,101325\n");
  const chunk = Buffer.alloc(8 * 1024);
  for (let offset = 0; offset < chunk.length; offset += line.length) line.copy(chunk, offset);
  return Readable.from(
    (function* () {
      for (let sent = 0; sent < WEATHER_BYTES; sent += chunk.length) yield chunk;
    })(),
  );
}

function submission() {
  return {
    validatorId: ENERGYPLUS.id,
    files: [
      { port_key: "primary_model", name: "model.idf", body: SAMPLE_IDF },
      { port_key: "weather_file", name: "site.epw", body: weatherStream() },
    ],
  };
}

/** The run ended FAILED / SYSTEM_ERROR naming the cause, and its attempt was never started. */
async function expectSystemFailure(host: Host, run: RunRecord, cause: RegExp) {
  expect(run).toMatchObject({ status: "FAILED", error_category: "SYSTEM_ERROR" });
  expect(run.error_message).toMatch(cause);
  const attempt = await host.store.getAttempt(run.current_attempt_id as string);
  expect(attempt).toMatchObject({ status: "LAUNCH_FAILED", execution_ref: null });
  return attempt as NonNullable<typeof attempt>;
}

/** A new submission after the fault works end to end, and every run is settled. */
async function expectRetryWorks(host: Host) {
  const retried = await host.service.submit(submission());
  const done = await host.service.waitForRun(retried.id, { timeoutMs: 15_000 });
  expect(done.result_status).not.toBeNull();
  const settled = await expectEveryRunSettled(host.store, host.storage);
  expect(settled.runs).toHaveLength(2);
  expect(settled.fromOutput).toBe(1);
  // Nothing was left for reconcile to pick up, however late it runs.
  host.passDeadlines();
  expect((await host.service.reconcile()).examined).toBe(0);
}

describe("storage fails while a run is submitted (FilesystemStorage)", () => {
  let host: Host;
  let storage: FaultyStorage;
  let launcher: FlakyLauncher;

  async function start(options: Partial<HostOptions> = {}) {
    launcher = new FlakyLauncher(new MockLauncher({ delayMs: 5, failRate: 0.5 }));
    host = await startHost({
      launcher,
      storage: (bundles) => {
        storage = new FaultyStorage(bundles);
        return storage;
      },
      ...options,
    });
  }

  afterEach(async () => {
    expect(tempFilesUnder(host.bundles.root)).toEqual([]);
    await host.close();
  });

  describe("with a plain store", () => {
    beforeEach(() => start());

    it("before any file is written: FAILED / SYSTEM_ERROR, an empty bundle, and a retry works", async () => {
      storage.failPut({ when: (_key, putNumber) => putNumber === 1 });
      const run = await host.service.submit(submission());
      const attempt = await expectSystemFailure(host, run, /scripted storage failure/);
      expect(attempt.launcher).toBeNull();
      expect(await bundleObjects(host.storage, attempt)).toEqual([]);
      await expectRetryWorks(host);
    });

    it("half-way through streaming a file: no partial object of it, no input.json, and a retry works", async () => {
      storage.failPut({ when: "site.epw", afterBytes: 100_000 });
      const run = await host.service.submit(submission());
      const attempt = await expectSystemFailure(host, run, /ENOSPC/);
      expect(storage.puts.find((p) => p.key.endsWith("site.epw"))).toMatchObject({
        outcome: "failed",
        bytes: 100_000,
      });
      // The model before it is a complete object; the half-streamed weather file left nothing.
      expect(await bundleObjects(host.storage, attempt)).toEqual(["model.idf"]);
      expect(attempt.launcher).toBeNull();
      await expectRetryWorks(host);
    });

    it("half-way through input.json: the files stay, input.json does not exist, and a retry works", async () => {
      storage.failPut({ when: "input.json", afterBytes: 200 });
      const run = await host.service.submit(submission());
      const attempt = await expectSystemFailure(host, run, /ENOSPC/);
      expect(await bundleObjects(host.storage, attempt)).toEqual(["model.idf", "site.epw"]);
      expect(attempt.launcher).toBeNull();
      await expectRetryWorks(host);
    });

    it("after input.json, when the launch fails: FAILED / SYSTEM_ERROR with the launcher's error", async () => {
      launcher.failNext = new ValidibotError("launch_failed", "scripted: the launcher is down");
      const run = await host.service.submit(submission());
      const attempt = await expectSystemFailure(
        host,
        run,
        /launch failed \(launch_failed\): scripted: the launcher is down/,
      );
      expect(attempt.launch_error).toMatch(/^launch_failed: /);
      expect(await bundleObjects(host.storage, attempt)).toEqual([
        "input.json",
        "model.idf",
        "site.epw",
      ]);
      await expectRetryWorks(host);
    });
  });

  it("after input.json, when the store update fails: FAILED / SYSTEM_ERROR, never launched, and a retry works", async () => {
    let failing: ReturnType<typeof storeFailingOnce<"updateRun">> | undefined;
    await start({
      store: (dir: string) => {
        failing = storeFailingOnce(
          new SqliteRunStore({ path: `${dir}/runs.sqlite` }),
          "updateRun",
          (_id, patch) => "files" in patch,
        );
        return failing;
      },
    });
    const run = await host.service.submit(submission());
    const attempt = await expectSystemFailure(host, run, /store_unavailable|database went away/);
    expect(failing?.failures).toBe(1);
    expect(attempt.launcher).toBeNull();
    expect(await bundleObjects(host.storage, attempt)).toEqual([
      "input.json",
      "model.idf",
      "site.epw",
    ]);
    await expectRetryWorks(host);
  });
});

describe("storage fails while a run is submitted (GcsStorage, the real client against a fake)", () => {
  let fake: FakeGcsServer;
  let host: Host;
  let storage: FaultyStorage;

  beforeEach(async () => {
    fake = await startFakeGcsServer();
    // No client-side retries: one scripted 503 is one failed write.
    const client = new Storage({
      apiEndpoint: fake.url,
      projectId: "test",
      retryOptions: { autoRetry: false },
    });
    host = await startHost({
      launcher: new MockLauncher({ delayMs: 5, failRate: 0.5 }),
      // Small files go up in one request; the weather file as a resumable upload.
      storage: () => {
        storage = new FaultyStorage(
          new GcsStorage({ bucket: "faults", storage: client, resumableThreshold: 64 * 1024 }),
        );
        return storage;
      },
    });
  });

  afterEach(async () => {
    await host.close();
    await fake.close();
  });

  const objectNames = () => [...fake.objects.values()].map((o) => o.name);

  it("Cloud Storage answers 503 to input.json: FAILED / SYSTEM_ERROR, no input.json, a retry works", async () => {
    storage.beforePut = (key) => {
      if (key.endsWith("input.json") && storage.puts.length === 3) fake.failNext(503);
    };
    const run = await host.service.submit(submission());
    const attempt = await expectSystemFailure(host, run, /storage_unavailable|503|injected/i);
    expect(await bundleObjects(host.storage, attempt)).toEqual(["model.idf", "site.epw"]);
    expect(objectNames().filter((name) => name.endsWith("input.json"))).toEqual([]);
    await expectRetryWorks(host);
  });

  it("a resumable upload broken half-way leaves no object in the bucket", async () => {
    storage.failPut({ when: "site.epw", afterBytes: 150_000 });
    const run = await host.service.submit(submission());
    const attempt = await expectSystemFailure(host, run, /ENOSPC/);
    expect(await bundleObjects(host.storage, attempt)).toEqual(["model.idf"]);
    expect(objectNames().filter((name) => name.endsWith("site.epw"))).toEqual([]);
    await expectRetryWorks(host);
  });
});
