import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inputEnvelopeSha256, safeParseOutputEnvelope } from "@validibot/contracts";
import { storageForUri } from "@validibot/sdk/storage";
import {
  type AttemptOutcome,
  defineValidator,
  ExitCode,
  type RunValidatorOptions,
  runAttempt,
  silentLogger,
  type Validator,
} from "@validibot/validator-runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createTestBundle, type TestBundle, type TestBundleOptions } from "./support/bundle";
import { startTestHost, TEST_WORKER_KEY, type TestHost } from "./support/test-host";

let host: TestHost;
beforeAll(async () => {
  host = await startTestHost();
});
afterAll(async () => {
  await host.close();
});

const fast = { attempts: 3, initialDelayMs: 10, timeoutMs: 5_000 };

async function bundleFor(options: TestBundleOptions = {}): Promise<TestBundle> {
  const bundle = await createTestBundle({ callbackUrl: host.url, ...options });
  host.expect(bundle.envelope);
  return bundle;
}

function run<I>(
  validator: Validator<I>,
  bundle: TestBundle,
  options: RunValidatorOptions = {},
): Promise<AttemptOutcome> {
  return runAttempt(validator, {
    args: [bundle.inputUri],
    env: { WORKER_API_KEY: TEST_WORKER_KEY, PATH: process.env.PATH },
    handleSignals: false,
    callback: fast,
    log: silentLogger,
    ...options,
  });
}

function callbacksFor(bundle: TestBundle) {
  return host.received.filter(
    (r) => (r.body as { callback_id?: string }).callback_id === bundle.envelope.context.callback_id,
  );
}

describe("runValidator, in-process, against a loopback host", () => {
  it("stages the files, runs the validator, uploads outputs, writes output.json and calls back", async () => {
    const model = '{"zones": 3}';
    const bundle = await bundleFor({
      files: [{ port_key: "model", name: "model.json", content: model }],
    });
    const validator = defineValidator({
      type: "CUSTOM_VALIDATOR",
      version: "0.0.1",
      async run(ctx) {
        const file = ctx.file("model");
        const { readFile } = await import("node:fs/promises");
        const zones = JSON.parse(await readFile(file.path, "utf8")).zones as number;
        ctx.finding({
          severity: "WARNING",
          code: "zones.few",
          text: `only ${zones} zones`,
          location: { path: "zones" },
        });
        ctx.metric({ name: "zone_count", value: zones, unit: "zones" });
        await mkdir(join(ctx.outputsDir, "reports"), { recursive: true });
        await writeFile(join(ctx.outputsDir, "reports", "summary.txt"), "three zones\n");
        const artifactPath = join(ctx.scratchDir, "result.csv");
        await writeFile(artifactPath, "zone,area\n1,10\n");
        ctx.artifact({ path: artifactPath, type: "timeseries-csv", mime_type: "text/csv" });
        return { outputs: { zones } };
      },
    });
    const outcome = await run(validator, bundle);
    expect(outcome.exitCode).toBe(ExitCode.ok);
    expect(outcome.callback).toBe("delivered");

    const [callback, ...more] = callbacksFor(bundle);
    expect(more).toHaveLength(0);
    expect(callback?.error).toBeNull();
    expect(callback?.authorization).toBe(`Worker-Key ${TEST_WORKER_KEY}`);
    expect(Object.keys(callback?.body as object).sort()).toEqual([
      "callback_id",
      "callback_nonce",
      "result_uri",
      "run_id",
      "status",
    ]);
    expect(callback?.body).toMatchObject({
      status: "success",
      result_uri: bundle.outputUri,
      callback_nonce: bundle.nonce,
    });

    const output = safeParseOutputEnvelope(JSON.parse(await bundle.readText("output.json")));
    expect(output.success).toBe(true);
    if (!output.success) return;
    const envelope = output.data;
    expect(envelope.input_envelope_sha256).toBe(inputEnvelopeSha256(bundle.envelope));
    expect(envelope).toMatchObject({
      run_id: bundle.envelope.run_id,
      execution_attempt_id: bundle.envelope.context.execution_attempt_id,
      output_uri: bundle.outputUri,
      status: "success",
      outputs: { zones: 3 },
      messages: [
        {
          severity: "WARNING",
          code: "zones.few",
          text: "only 3 zones",
          location: { path: "zones", line: null },
        },
      ],
      metrics: [{ name: "zone_count", value: 3, unit: "zones" }],
    });
    const { started_at, finished_at, queued_at } = envelope.timing;
    expect(queued_at).not.toBeNull();
    expect(Date.parse(finished_at ?? "")).toBeGreaterThanOrEqual(Date.parse(started_at ?? ""));

    const csv = "zone,area\n1,10\n";
    expect(envelope.artifacts).toEqual([
      expect.objectContaining({
        name: "result.csv",
        type: "timeseries-csv",
        mime_type: "text/csv",
        size_bytes: csv.length,
        sha256: createHash("sha256").update(csv).digest("hex"),
        uri: `${bundle.bundleUri}outputs/result.csv`,
      }),
    ]);
    expect(await bundle.readText("outputs/result.csv")).toBe(csv);
    expect(await bundle.readText("outputs/reports/summary.txt")).toBe("three zones\n");
    expect(envelope.raw_outputs).toEqual({
      format: "directory",
      manifest_uri: `${bundle.bundleUri}outputs/manifest.json`,
    });
    const manifest = JSON.parse(await bundle.readText("outputs/manifest.json"));
    expect(manifest.files.map((f: { path: string }) => f.path).sort()).toEqual([
      "reports/summary.txt",
      "result.csv",
    ]);
    for (const entry of manifest.files) {
      const stat = await storageForUri(entry.uri).storage.stat(storageForUri(entry.uri).key);
      expect(stat?.storage_version).toBe(entry.storage_version);
    }
  });

  it("ends failed_validation when an ERROR finding was reported, unless run says otherwise", async () => {
    const reporting = (status?: "success") =>
      defineValidator({
        type: "CUSTOM_VALIDATOR",
        version: "1",
        async run(ctx) {
          ctx.finding({ severity: "ERROR", text: "bad" });
          return status === undefined ? undefined : { status };
        },
      });
    const a = await bundleFor();
    expect((await run(reporting(), a)).status).toBe("failed_validation");
    const b = await bundleFor();
    expect((await run(reporting("success"), b)).status).toBe("success");
    expect(callbacksFor(b)[0]?.body).toMatchObject({ status: "success" });
  });

  it("turns a crash of run into failed_runtime, and still writes output.json and calls back", async () => {
    const bundle = await bundleFor();
    const outcome = await run(
      defineValidator({
        type: "CUSTOM_VALIDATOR",
        version: "1",
        async run(ctx) {
          ctx.finding({ severity: "INFO", text: "before the crash" });
          throw new Error("segfault in the solver");
        },
      }),
      bundle,
    );
    expect(outcome.exitCode).toBe(ExitCode.ok);
    expect(outcome.status).toBe("failed_runtime");
    expect(outcome.output?.messages).toEqual([
      expect.objectContaining({ severity: "INFO", text: "before the crash" }),
      expect.objectContaining({
        severity: "ERROR",
        code: "validator_crashed",
        text: "The validator failed: segfault in the solver",
      }),
    ]);
    expect(callbacksFor(bundle)[0]).toMatchObject({
      error: null,
      body: { status: "failed_runtime" },
    });
  });

  it("parses inputs with the validator's schema, and the typed defaults for ENERGYPLUS", async () => {
    const seen: unknown[] = [];
    const custom = defineValidator({
      type: "CUSTOM_VALIDATOR",
      version: "1",
      inputs: z.object({ threshold: z.number().default(5) }).strict(),
      async run(ctx) {
        seen.push(ctx.inputs);
        return undefined;
      },
    });
    expect((await run(custom, await bundleFor({ inputs: {} }))).status).toBe("success");
    const rejected = await run(custom, await bundleFor({ inputs: { threshold: "high" } }));
    expect(rejected.status).toBe("failed_runtime");
    expect(rejected.output?.messages[0]).toMatchObject({ code: "inputs_invalid" });
    expect(rejected.output?.messages[0]?.text).toContain("threshold");

    const energyplus = defineValidator({
      type: "ENERGYPLUS",
      version: "1",
      async run(ctx) {
        seen.push(ctx.inputs);
        return {
          outputs: { energyplus_returncode: 0, execution_seconds: 1, invocation_mode: "cli" },
        };
      },
    });
    const ep = await run(
      energyplus,
      await bundleFor({ validatorType: "ENERGYPLUS", inputs: { run_simulation: false } }),
    );
    expect(ep.status).toBe("success");
    expect(seen).toEqual([
      { threshold: 5 },
      {
        timestep_per_hour: 4,
        run_period_days: null,
        invocation_mode: "cli",
        idf_checks: [],
        run_simulation: false,
        review_profile: "standard",
      },
    ]);
  });

  it("validates typed outputs before writing: an EnergyPlus run without outputs ends failed_runtime", async () => {
    const bundle = await bundleFor({ validatorType: "ENERGYPLUS" });
    const outcome = await run(
      defineValidator({
        type: "ENERGYPLUS",
        version: "1",
        run: async () => ({ outputs: { nonsense: true } }),
      }),
      bundle,
    );
    expect(outcome.exitCode).toBe(ExitCode.ok);
    expect(outcome.status).toBe("failed_runtime");
    expect(outcome.output?.messages.at(-1)).toMatchObject({ code: "output_malformed" });
    expect(outcome.output?.outputs).toMatchObject({
      energyplus_returncode: -1,
      completed_successfully: false,
    });
    expect(callbacksFor(bundle)[0]?.error).toBeNull();
  });

  it("refuses an envelope for another validator type with a failed_runtime finding", async () => {
    const bundle = await bundleFor({ validatorType: "FMU" });
    const outcome = await run(
      defineValidator({ type: "ENERGYPLUS", version: "1", run: async () => undefined }),
      bundle,
    );
    expect(outcome.status).toBe("failed_runtime");
    expect(outcome.output?.messages[0]?.text).toContain("runs the ENERGYPLUS validator");
    expect(callbacksFor(bundle)[0]?.error).toBeNull();
  });

  it("skips the callback when skip_callback is true", async () => {
    const bundle = await bundleFor({ skipCallback: true });
    const outcome = await run(
      defineValidator({ type: "CUSTOM_VALIDATOR", version: "1", run: async () => undefined }),
      bundle,
    );
    expect(outcome).toMatchObject({
      exitCode: ExitCode.ok,
      callback: "skipped",
      status: "success",
    });
    expect(callbacksFor(bundle)).toHaveLength(0);
    expect(await bundle.has("output.json")).toBe(true);
  });

  it("exits 10 and writes nothing when input.json is missing, invalid, or VALIDIBOT_OUTPUT_URI differs", async () => {
    const noop = defineValidator({
      type: "CUSTOM_VALIDATOR",
      version: "1",
      run: async () => undefined,
    });
    const bundle = await bundleFor();
    const missing = await run(noop, bundle, { args: [`${bundle.bundleUri}nope.json`] });
    expect(missing.exitCode).toBe(ExitCode.inputUnreadable);

    const invalid = await bundleFor({
      mutate: (e) => {
        e.context.attempt_contract_version = "v1";
      },
    });
    const bad = await run(noop, invalid);
    expect(bad.exitCode).toBe(ExitCode.inputUnreadable);
    expect(bad.error).toContain("context.attempt_contract_version");
    expect(await invalid.has("output.json")).toBe(false);

    const elsewhere = await run(noop, bundle, {
      env: {
        WORKER_API_KEY: TEST_WORKER_KEY,
        VALIDIBOT_OUTPUT_URI: `${bundle.bundleUri}other.json`,
      },
    });
    expect(elsewhere.exitCode).toBe(ExitCode.inputUnreadable);
    expect(elsewhere.error).toContain("VALIDIBOT_OUTPUT_URI");
    expect(await bundle.has("output.json")).toBe(false);
    expect(callbacksFor(bundle)).toHaveLength(0);
  });

  it("refuses input.json over the size ceiling", async () => {
    const bundle = await bundleFor({ inputs: { padding: "x".repeat(4096) } });
    const outcome = await run(
      defineValidator({ type: "CUSTOM_VALIDATOR", version: "1", run: async () => undefined }),
      bundle,
      {
        maxInputBytes: 1024,
      },
    );
    expect(outcome.exitCode).toBe(ExitCode.inputUnreadable);
    expect(outcome.error).toContain("1024 bytes");
  });

  it("rejects bad findings and metrics at the call that made them", async () => {
    const bundle = await bundleFor();
    const outcome = await run(
      defineValidator({
        type: "CUSTOM_VALIDATOR",
        version: "1",
        async run(ctx) {
          expect(() => ctx.metric({ name: "x", value: Number.NaN })).toThrow(/finite/);
          expect(() => ctx.finding({ severity: "FATAL" as "ERROR", text: "x" })).toThrow(
            /severity/,
          );
          expect(() => ctx.artifact({ path: "/tmp/x", name: "../x", type: "t" })).toThrow(
            /safe file name/,
          );
          expect(() => ctx.file("absent")).toThrow(/no file was submitted for port "absent"/);
          return undefined;
        },
      }),
      bundle,
    );
    expect(outcome.output?.messages).toEqual([]);
    expect(outcome.status).toBe("success");
  });

  it("works in a scratch folder under VALIDIBOT_ATTEMPT_SCRATCH_ROOT and removes it afterwards", async () => {
    const scratchRoot = join(mkdtempSync(join(tmpdir(), "vr-root-")), "nested");
    const bundle = await bundleFor({
      files: [{ port_key: "model", name: "model.json", content: "{}" }],
    });
    const seen: string[] = [];
    await run(
      defineValidator({
        type: "CUSTOM_VALIDATOR",
        version: "1",
        async run(ctx) {
          seen.push(ctx.scratchDir, ctx.outputsDir, ctx.file("model").path);
          return undefined;
        },
      }),
      bundle,
      { env: { WORKER_API_KEY: TEST_WORKER_KEY, VALIDIBOT_ATTEMPT_SCRATCH_ROOT: scratchRoot } },
    );
    expect(seen).toHaveLength(3);
    for (const path of seen)
      expect(path.startsWith(`${scratchRoot}/validibot-attempt-`)).toBe(true);
    expect(seen[2]?.endsWith("/inputs/model.json")).toBe(true);
    expect(readdirSync(scratchRoot)).toEqual([]);
  });

  it("reuses outputs an earlier, interrupted try left, and never overwrites different ones", async () => {
    const bundle = await bundleFor();
    // A try that died after uploading: the same log, and a manifest with other contents.
    await bundle.storage.put(`${bundle.prefix}outputs/log.txt`, "same\n");
    await bundle.storage.put(`${bundle.prefix}outputs/manifest.json`, "{}");
    const outcome = await run(
      defineValidator({
        type: "CUSTOM_VALIDATOR",
        version: "1",
        async run(ctx) {
          await writeFile(join(ctx.outputsDir, "log.txt"), "same\n");
          await writeFile(join(ctx.outputsDir, "manifest.json"), "the validator's own manifest");
          ctx.artifact({ path: join(ctx.outputsDir, "log.txt"), type: "log" });
          return undefined;
        },
      }),
      bundle,
    );
    expect(outcome.exitCode).toBe(ExitCode.ok);
    expect(outcome.output?.artifacts[0]?.uri).toBe(`${bundle.bundleUri}outputs/log.txt`);
    // The validator's own manifest.json steps aside for the runtime's (manifest-2.json); the
    // runtime's then finds manifest.json taken by the earlier try's and lands on manifest-3.json.
    expect(outcome.output?.raw_outputs?.manifest_uri).toBe(
      `${bundle.bundleUri}outputs/manifest-3.json`,
    );
    expect(await bundle.readText("outputs/manifest.json")).toBe("{}");
    expect(await bundle.readText("outputs/manifest-2.json")).toBe("the validator's own manifest");
    const manifest = JSON.parse(await bundle.readText("outputs/manifest-3.json"));
    expect(manifest.files.map((f: { path: string }) => f.path)).toEqual([
      "log.txt",
      "manifest-2.json",
    ]);
  });
});
