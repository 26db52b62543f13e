import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { inputEnvelopeSha256, type ValidatorType } from "@validibot/contracts";
import { storageForUri } from "@validibot/sdk/storage";
import { defineValidator, ExitCode, runAttempt, silentLogger } from "@validibot/validator-runtime";
import { Agent, buildConnector } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSigningKey } from "../../../test-support/google-identity";
import { startTestHost, TEST_WORKER_KEY, type TestHost } from "./support/test-host";

interface Vectors {
  envelopes: { name: string; input: Record<string, unknown>; sha256: string }[];
  typed_envelopes: { name: string; raw_input: Record<string, unknown>; sha256: string }[];
}
const vectors = JSON.parse(
  readFileSync(
    fileURLToPath(
      new URL(
        "../../contracts/test/fixtures/reference/canonical-hash-vectors.json",
        import.meta.url,
      ),
    ),
    "utf8",
  ),
) as Vectors;

// The vectors' URIs (file:///data/..., gs://bucket/...) are kept byte for byte, so their hashes
// hold; storage and the callback's connection are routed to temp folders and loopback servers.
const root = mkdtempSync(join(tmpdir(), "vr-vectors-"));
function remap(uri: string): string {
  if (uri.startsWith("file:///data/")) return pathToFileURL(join(root, fileURLToPath(uri))).href;
  if (uri.startsWith("gs://"))
    return pathToFileURL(join(root, "gs", uri.slice("gs://".length))).href;
  return uri;
}
const resolve = (uri: string) => storageForUri(remap(uri));

let http: TestHost;
let https: TestHost;
let dispatcher: Agent;
beforeAll(async () => {
  const key = createSigningKey();
  http = await startTestHost({ resolve });
  https = await startTestHost({
    resolve,
    tls: {
      key: key.privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
      cert: key.certificatePem,
    },
  });
  const connect = buildConnector({ rejectUnauthorized: false });
  dispatcher = new Agent({
    connect: (options, callback) =>
      connect(
        {
          ...options,
          hostname: "127.0.0.1",
          host: "127.0.0.1",
          port: String(options.protocol === "https:" ? https.port : http.port),
        },
        callback,
      ),
  });
});
afterAll(async () => {
  await dispatcher.close();
  await http.close();
  await https.close();
});

const validators = {
  ENERGYPLUS: defineValidator({
    type: "ENERGYPLUS",
    version: "1",
    run: async () => ({
      outputs: { energyplus_returncode: 0, execution_seconds: 0, invocation_mode: "cli" },
    }),
  }),
  FMU: defineValidator({ type: "FMU", version: "1", run: async () => undefined }),
  CUSTOM_VALIDATOR: defineValidator({
    type: "CUSTOM_VALIDATOR",
    version: "1",
    run: async () => undefined,
  }),
} as Record<ValidatorType, ReturnType<typeof defineValidator>>;

/** Untyped vectors whose stored EnergyPlus inputs leave defaults out. */
const INCOMPLETE = new Set(["envelope-p1"]);

const all = [
  ...vectors.envelopes.map((v) => ({ name: v.name, input: v.input, sha256: v.sha256 })),
  ...vectors.typed_envelopes.map((v) => ({ name: v.name, input: v.raw_input, sha256: v.sha256 })),
];

describe("the reference hash vectors, run unmodified", () => {
  it("covers every vector", () => {
    expect(all.length).toBeGreaterThanOrEqual(6);
  });

  for (const vector of all) {
    it(`${vector.name}: output.json carries the hash of the envelope as read`, async () => {
      const context = vector.input.context as {
        expected_output_uri: string;
        execution_bundle_uri: string;
      };
      const inputUri = `${context.execution_bundle_uri}input.json`;
      const { storage, key } = resolve(inputUri);
      await storage.put(key, JSON.stringify(vector.input));
      const host = String((vector.input.context as { callback_url: string }).callback_url)
        .toLowerCase()
        .startsWith("https")
        ? https
        : http;
      host.expect(vector.input);
      const type = (vector.input.validator as { type: ValidatorType }).type;
      const outcome = await runAttempt(validators[type] as never, {
        args: [inputUri],
        env: { WORKER_API_KEY: TEST_WORKER_KEY },
        storage: resolve,
        handleSignals: false,
        callback: { attempts: 1, dispatcher },
        log: silentLogger,
      });
      expect(outcome.exitCode).toBe(ExitCode.ok);
      const hash = outcome.output?.input_envelope_sha256;
      expect(hash).toBe(inputEnvelopeSha256(vector.input));
      // A vector whose stored inputs are complete hashes to the reference's own value; the one
      // whose EnergyPlus inputs leave defaults out hashes to its parsed, completed form instead.
      if (INCOMPLETE.has(vector.name)) expect(hash).not.toBe(vector.sha256);
      else expect(hash).toBe(vector.sha256);
      const callback = host.received.find((r) => r.output?.run_id === vector.input.run_id);
      expect(callback?.error).toBeNull();
      expect(callback?.output?.input_envelope_sha256).toBe(hash);
    });
  }
});
