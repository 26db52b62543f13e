import { tmpdir } from "node:os";
import { Readable } from "node:stream";
import { MockLauncher } from "@validibot/sdk";
import { ExitCode, type StorageResolver } from "@validibot/validator-runtime";
import { afterEach, describe, expect, it } from "vitest";
import { WORKER_KEY } from "../service/harness";
import { bundleKey, bundleObjects, tempFilesUnder } from "./support/bundle-files";
import { FaultyStorage } from "./support/faulty-storage";
import reportValidator from "./support/fixtures/report-validator";
import { type Host, REPORT, reportModel, startHost } from "./support/host";
import { InProcessRuntimeLauncher } from "./support/in-process-runtime";
import { expectEveryRunSettled } from "./support/invariants";

const MODEL_BYTES = 1024 * 1024;

/** A 1 MiB JSON model, streamed in 16 KiB chunks. */
function bigModel() {
  const padding = " ".repeat(MODEL_BYTES - '{"warnings":1}'.length);
  const text = Buffer.from(`{"warnings":1}${padding}`);
  return {
    port_key: "model",
    name: "model.json",
    body: Readable.from(
      (function* () {
        for (let offset = 0; offset < text.length; offset += 16 * 1024) {
          yield text.subarray(offset, offset + 16 * 1024);
        }
      })(),
    ),
  };
}

describe("the disk fills up half-way through a stream", () => {
  let host: Host;

  afterEach(async () => {
    expect(tempFilesUnder(host.bundles.root)).toEqual([]);
    await host.close();
  });

  it("during a submit: FAILED / SYSTEM_ERROR, no partial object, the key is free afterwards", async () => {
    let storage = undefined as unknown as FaultyStorage;
    host = await startHost({
      validators: [REPORT],
      launcher: new MockLauncher({ delayMs: 5, failRate: 0 }),
      storage: (bundles) => {
        storage = new FaultyStorage(bundles);
        return storage;
      },
    });
    storage.failPut({ when: "model.json", afterBytes: MODEL_BYTES / 2 });
    const run = await host.service.submit({ validatorId: REPORT.id, files: [bigModel()] });
    expect(run).toMatchObject({ status: "FAILED", error_category: "SYSTEM_ERROR" });
    expect(run.error_message).toContain("ENOSPC");
    expect(storage.puts[0]).toMatchObject({ outcome: "failed", bytes: MODEL_BYTES / 2 });
    const attempt = await host.store.getAttempt(run.current_attempt_id as string);
    expect(await bundleObjects(host.storage, attempt as NonNullable<typeof attempt>)).toEqual([]);

    // Create-only writes do not trip over anything the failed one left: the key takes a new object.
    const key = storage.puts[0]?.key as string;
    expect(await host.storage.put(key, "{}")).toMatchObject({ key, size_bytes: 2 });

    const retried = await host.service.submit({ validatorId: REPORT.id, files: [bigModel()] });
    expect(await host.service.waitForRun(retried.id, { timeoutMs: 10_000 })).toMatchObject({
      status: "SUCCEEDED",
    });
    const settled = await expectEveryRunSettled(host.store, host.storage);
    expect(settled.runs).toHaveLength(2);
  });

  describe("during the runtime's output upload", () => {
    let runtimeStorage: FaultyStorage;
    let launcher: InProcessRuntimeLauncher;

    async function startRuntimeHost() {
      let resolve: StorageResolver = () => {
        throw new Error("not ready");
      };
      launcher = new InProcessRuntimeLauncher({
        validator: reportValidator,
        workerKey: WORKER_KEY,
        scratchRoot: tmpdir(),
        storage: (uri) => resolve(uri),
      });
      host = await startHost({ validators: [REPORT], launcher });
      // The runtime writes the same folder the host reads, through a disk that fills up.
      runtimeStorage = new FaultyStorage(host.bundles);
      resolve = (uri) => ({ storage: runtimeStorage, key: host.bundles.keyFor(uri) });
    }

    /** Submits a run whose validator leaves a 300 kB output file, and fills the disk at 64 kB of it. */
    async function submitWithFullDisk() {
      runtimeStorage.failPut({ when: "outputs/big.bin", afterBytes: 64 * 1024 });
      const run = await host.service.submit({
        validatorId: REPORT.id,
        files: [reportModel({ warnings: 1, outputBytes: 300_000 })],
      });
      const attempt = await host.store.getAttempt(run.current_attempt_id as string);
      const ref = attempt?.execution_ref as string;
      const outcome = await launcher.outcome(ref);
      // The documented behaviour: an output that cannot be written is `outputNotWritable` (12);
      // no output.json, so no verdict and no callback, and nothing half-written in the bundle.
      expect(outcome).toMatchObject({
        exitCode: ExitCode.outputNotWritable,
        status: null,
        callback: "not_sent",
      });
      expect(outcome.error).toMatch(/cannot write the outputs: .*ENOSPC/);
      expect(runtimeStorage.puts.find((p) => p.key.endsWith("big.bin"))).toMatchObject({
        outcome: "failed",
        bytes: 64 * 1024,
      });
      expect(await bundleObjects(host.storage, attempt as NonNullable<typeof attempt>)).toEqual([
        "input.json",
        "model.json",
      ]);
      expect((await host.store.getRun(run.id))?.status).toBe("RUNNING");
      return { run, ref };
    }

    it("the runtime exits outputNotWritable; reconcile() ends the run FAILED / RUNTIME_ERROR", async () => {
      await startRuntimeHost();
      const { run } = await submitWithFullDisk();
      host.passDeadlines();
      expect(await host.service.reconcile()).toMatchObject({ examined: 1, failed: 1 });
      const ended = await host.store.getRun(run.id);
      expect(ended).toMatchObject({
        status: "FAILED",
        error_category: "RUNTIME_ERROR",
        result_status: null,
      });
      expect(ended?.error_message).toContain(`exited with code ${ExitCode.outputNotWritable}`);
      await expectEveryRunSettled(host.store, host.storage);
    });

    it("a retried execution, once the disk has room, uploads everything and completes the run", async () => {
      await startRuntimeHost();
      const { run, ref } = await submitWithFullDisk();
      expect(await launcher.retry(ref)).toMatchObject({
        exitCode: ExitCode.ok,
        status: "success",
        callback: "delivered",
      });
      expect(await host.service.waitForRun(run.id, { timeoutMs: 10_000 })).toMatchObject({
        status: "SUCCEEDED",
      });
      const attempt = await host.store.getAttempt(run.current_attempt_id as string);
      const prefix = bundleKey(host.storage, attempt as NonNullable<typeof attempt>);
      expect(await bundleObjects(host.storage, attempt as NonNullable<typeof attempt>)).toEqual([
        "input.json",
        "model.json",
        "output.json",
        "outputs/big.bin",
        "outputs/manifest.json",
      ]);
      expect((await host.storage.stat(`${prefix}outputs/big.bin`))?.size_bytes).toBe(300_000);
      const settled = await expectEveryRunSettled(host.store, host.storage);
      expect(settled.findings).toBe(1);
    });
  });
});
