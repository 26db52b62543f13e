import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { type GetOptions, MemoryStorage } from "@validibot/sdk/storage";
import { defineValidator, ExitCode, runAttempt, silentLogger } from "@validibot/validator-runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestBundle, type TestEnvelope } from "./support/bundle";
import { startTestHost, TEST_WORKER_KEY, type TestHost } from "./support/test-host";

let host: TestHost;
beforeAll(async () => {
  host = await startTestHost();
});
afterAll(async () => {
  await host.close();
});

const MODEL = "Version,24.1;\nBuilding,Test;\n";

type Case = {
  name: string;
  code: string;
  text: RegExp;
  mutate: (envelope: TestEnvelope) => void;
};

const file = (e: TestEnvelope, i = 0) => e.input_files[i] as Record<string, unknown>;

const cases: Case[] = [
  {
    name: "a file longer than declared",
    code: "file_size_mismatch",
    text: new RegExp(
      `input file "model\\.idf" \\(port primary_model\\) is ${MODEL.length} bytes, but the envelope declares 20`,
    ),
    mutate: (e) => {
      file(e).size_bytes = 20;
    },
  },
  {
    name: "a file shorter than declared",
    code: "file_size_mismatch",
    text: new RegExp(`is ${MODEL.length} bytes, but the envelope declares 4000`),
    mutate: (e) => {
      file(e).size_bytes = 4000;
    },
  },
  {
    name: "a digest mismatch",
    code: "file_digest_mismatch",
    text: /has SHA-256 [0-9a-f]{64}, but the envelope declares f{64}/,
    mutate: (e) => {
      file(e).sha256 = "f".repeat(64);
    },
  },
  {
    name: "a missing file",
    code: "file_missing",
    text: /input file "model\.idf" \(port primary_model\) is missing from storage/,
    mutate: (e) => {
      file(e).uri = `${e.context.execution_bundle_uri}files/nowhere.idf`;
    },
  },
  {
    name: "an unsafe name (a path)",
    code: "file_unsafe_name",
    text: /input file "\.\.\/\.\.\/etc\/passwd" \(port primary_model\) has an unsafe name/,
    mutate: (e) => {
      file(e).name = "../../etc/passwd";
    },
  },
  {
    name: "an unsafe name (dot-dot)",
    code: "file_unsafe_name",
    text: /has an unsafe name/,
    mutate: (e) => {
      file(e).name = "..";
    },
  },
  {
    name: "a wrong storage_version",
    code: "file_version_mismatch",
    text: /is stored as version sha256:[0-9a-f]{64}, but the envelope declares sha256:0{64}/,
    mutate: (e) => {
      file(e).storage_version = `sha256:${"0".repeat(64)}`;
    },
  },
  {
    name: "a digest mismatch in a resource file",
    code: "file_digest_mismatch",
    text: /resource file "weather\.epw" \(port weather_file\)/,
    mutate: (e) => {
      (e.resource_files[0] as Record<string, unknown>).sha256 = "a".repeat(64);
    },
  },
  {
    name: "a URI no storage can read",
    code: "storage_path_invalid",
    text: /has a URI the runtime cannot read/,
    mutate: (e) => {
      file(e).uri = "ftp://example.invalid/model.idf";
    },
  },
];

describe("file integrity: the submission's files are verified before the validator runs", () => {
  for (const c of cases) {
    it(`${c.name} ends failed_runtime (${c.code}), and the callback still goes out`, async () => {
      const bundle = await createTestBundle({
        validatorType: "CUSTOM_VALIDATOR",
        callbackUrl: host.url,
        files: [
          {
            port_key: "primary_model",
            name: "model.idf",
            content: MODEL,
            mime_type: "application/vnd.energyplus.idf",
          },
          {
            port_key: "weather_file",
            name: "weather.epw",
            content: "LOCATION,Nowhere\n",
            kind: "resource",
          },
        ],
        mutate: c.mutate,
      });
      host.expect(bundle.envelope);
      const scratchRoot = mkdtempSync(join(tmpdir(), "vr-scratch-"));
      let called = false;
      const outcome = await runAttempt(
        defineValidator({
          type: "CUSTOM_VALIDATOR",
          version: "1",
          async run() {
            called = true;
            return undefined;
          },
        }),
        {
          args: [bundle.inputUri],
          env: { WORKER_API_KEY: TEST_WORKER_KEY, VALIDIBOT_ATTEMPT_SCRATCH_ROOT: scratchRoot },
          handleSignals: false,
          log: silentLogger,
        },
      );
      expect(called).toBe(false);
      expect(outcome.exitCode).toBe(ExitCode.ok);
      expect(outcome.status).toBe("failed_runtime");
      expect(outcome.output?.messages).toHaveLength(1);
      expect(outcome.output?.messages[0]).toMatchObject({ severity: "ERROR", code: c.code });
      expect(outcome.output?.messages[0]?.text).toMatch(c.text);
      const callback = host.received.find((r) => r.output?.run_id === bundle.envelope.run_id);
      expect(callback?.error).toBeNull();
      expect(callback?.body).toMatchObject({ status: "failed_runtime" });
      // Nothing staged is left behind.
      expect(readdirSync(scratchRoot)).toEqual([]);
    });
  }

  it("stops reading a stream that runs past size_bytes even when the adapter does not", async () => {
    // An adapter whose object grew after it was described: stat reports the declared size,
    // get ignores the ceiling and would stream 64 MiB.
    let pulled = 0;
    class GrowingStorage extends MemoryStorage {
      override async get(key: string, options?: GetOptions) {
        if (!key.includes("/files/")) return super.get(key, options);
        const chunk = Buffer.alloc(64 * 1024, 0x61);
        return Readable.from(
          (function* () {
            for (let i = 0; i < 1024; i++) {
              pulled += chunk.length;
              yield chunk;
            }
          })(),
        );
      }
    }
    const storage = new GrowingStorage({ name: `growing-${Date.now()}` });
    const bundle = await createTestBundle({
      storage,
      callbackUrl: null,
      files: [{ port_key: "model", content: "a".repeat(1000) }],
    });
    const outcome = await runAttempt(
      defineValidator({ type: "CUSTOM_VALIDATOR", version: "1", run: async () => undefined }),
      {
        args: [bundle.inputUri],
        env: {},
        handleSignals: false,
        log: silentLogger,
      },
    );
    expect(outcome.status).toBe("failed_runtime");
    expect(outcome.output?.messages[0]).toMatchObject({ code: "file_size_mismatch" });
    expect(outcome.output?.messages[0]?.text).toContain("is more than 1000 bytes");
    expect(pulled).toBeLessThan(1024 * 1024);
  });
});
