import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import {
  defineValidator,
  ExitCode,
  type RunValidatorOptions,
  runAttempt,
  sendCallback,
  silentLogger,
} from "@validibot/validator-runtime";
import { describe, expect, it } from "vitest";
import { createTestBundle, type TestBundle } from "./support/bundle";
import { startTestHost, TEST_WORKER_KEY, type TestHost } from "./support/test-host";

const fast = { attempts: 3, initialDelayMs: 10, timeoutMs: 5_000 };

function counting() {
  const calls: string[] = [];
  const validator = defineValidator({
    type: "CUSTOM_VALIDATOR",
    version: "1",
    async run(ctx) {
      calls.push(ctx.envelope.run_id);
      ctx.finding({ severity: "WARNING", code: "w", text: "a warning" });
      return undefined;
    },
  });
  return { calls, validator };
}

function options(bundle: TestBundle, extra: RunValidatorOptions = {}): RunValidatorOptions {
  return {
    args: [bundle.inputUri],
    env: { WORKER_API_KEY: TEST_WORKER_KEY },
    handleSignals: false,
    callback: fast,
    log: silentLogger,
    ...extra,
  };
}

async function withHost<T>(
  hostOptions: Parameters<typeof startTestHost>[0],
  fn: (host: TestHost) => Promise<T>,
) {
  const host = await startTestHost(hostOptions);
  try {
    return await fn(host);
  } finally {
    await host.close();
  }
}

describe("callback delivery", () => {
  it("retries 500, 500 and is delivered once on the third try", async () => {
    await withHost({ statuses: [500, 500] }, async (host) => {
      const bundle = await createTestBundle({ callbackUrl: host.url });
      host.expect(bundle.envelope);
      const outcome = await runAttempt(counting().validator, options(bundle));
      expect(outcome).toMatchObject({ exitCode: ExitCode.ok, callback: "delivered" });
      expect(host.received.map((r) => [r.status, r.error])).toEqual([
        [500, null],
        [500, null],
        [200, null],
      ]);
      expect(new Set(host.received.map((r) => JSON.stringify(r.body))).size).toBe(1);
    });
  });

  it("retries a 409 (the host is still processing) and stops at a 200", async () => {
    await withHost({ statuses: [409] }, async (host) => {
      const bundle = await createTestBundle({ callbackUrl: host.url });
      host.expect(bundle.envelope);
      const outcome = await runAttempt(counting().validator, options(bundle));
      expect(outcome.exitCode).toBe(ExitCode.ok);
      expect(host.received.map((r) => r.status)).toEqual([409, 200]);
    });
  });

  it("does not retry a 4xx rejection: exit 15, output.json kept", async () => {
    await withHost({ statuses: [403] }, async (host) => {
      const bundle = await createTestBundle({ callbackUrl: host.url });
      host.expect(bundle.envelope);
      const outcome = await runAttempt(counting().validator, options(bundle));
      expect(outcome.exitCode).toBe(ExitCode.callbackRejected);
      expect(outcome.error).toContain("HTTP 403");
      expect(host.received).toHaveLength(1);
      expect(await bundle.has("output.json")).toBe(true);
    });
  });

  it("with the endpoint down exits 14 keeping output.json; a rerun replays it without recomputing", async () => {
    const down = await startTestHost();
    const port = down.port;
    await down.close();
    const bundle = await createTestBundle({ callbackUrl: down.url });
    const { calls, validator } = counting();

    const first = await runAttempt(validator, options(bundle));
    expect(first.exitCode).toBe(ExitCode.callbackUndeliverable);
    expect(first.callback).toBe("undeliverable");
    expect(first.error).toContain("after 3 tries");
    const written = await bundle.readText("output.json");
    expect(JSON.parse(written).status).toBe("success");
    expect(calls).toHaveLength(1);

    await withHost({ port }, async (host) => {
      host.expect(bundle.envelope);
      const rerun = await runAttempt(validator, options(bundle));
      expect(rerun).toMatchObject({
        exitCode: ExitCode.ok,
        replayed: true,
        callback: "delivered",
        status: "success",
      });
      expect(calls).toHaveLength(1);
      expect(await bundle.readText("output.json")).toBe(written);
      expect(host.received).toHaveLength(1);
      expect(host.received[0]?.error).toBeNull();
      expect(host.received[0]?.outputText).toBe(written);
    });
  });

  it("refuses to replay an output.json that belongs to another attempt (exit 13)", async () => {
    const other = await createTestBundle({ callbackUrl: null });
    await runAttempt(counting().validator, options(other));
    const bundle = await createTestBundle({ callbackUrl: null });
    // Plant the other attempt's output where this attempt's output goes.
    await bundle.storage.put(`${bundle.prefix}output.json`, await other.readText("output.json"));
    const { calls, validator } = counting();
    const outcome = await runAttempt(validator, options(bundle));
    expect(outcome.exitCode).toBe(ExitCode.outputConflict);
    expect(outcome.error).toContain("belongs to another attempt");
    expect(calls).toHaveLength(0);
  });

  it("exits 14 when no WORKER_API_KEY is set outside Google Cloud", async () => {
    await withHost({}, async (host) => {
      const bundle = await createTestBundle({ callbackUrl: host.url });
      const outcome = await runAttempt(counting().validator, options(bundle, { env: {} }));
      expect(outcome.exitCode).toBe(ExitCode.callbackUndeliverable);
      expect(outcome.error).toContain("WORKER_API_KEY is not set");
      expect(host.received).toHaveLength(0);
    });
  });
});

describe("sendCallback", () => {
  it("mints a fresh Authorization header for every try", async () => {
    const seen: (string | undefined)[] = [];
    let answered = 0;
    const flaky = createServer((req, res) => {
      seen.push(req.headers.authorization);
      req.resume();
      res.writeHead(++answered < 3 ? 503 : 204).end();
    });
    await new Promise<void>((done) => flaky.listen(0, "127.0.0.1", done));
    try {
      let minted = 0;
      const { port } = flaky.address() as AddressInfo;
      const delivery = await sendCallback(
        `http://127.0.0.1:${port}/cb`,
        {
          run_id: "r",
          callback_id: "c",
          callback_nonce: "n".repeat(43),
          status: "success",
          result_uri: "u",
        },
        async () => `Bearer token-${++minted}`,
        silentLogger,
        fast,
      );
      expect(delivery).toMatchObject({ outcome: "delivered", tries: 3, statusCode: 204 });
      expect(seen).toEqual(["Bearer token-1", "Bearer token-2", "Bearer token-3"]);
    } finally {
      flaky.closeAllConnections();
      await new Promise<void>((done) => flaky.close(() => done()));
    }
  });

  it("gives up on a host that never answers after the request timeout, each try", async () => {
    const silent = createServer(() => {});
    await new Promise<void>((done) => silent.listen(0, "127.0.0.1", done));
    try {
      const { port } = silent.address() as AddressInfo;
      const delivery = await sendCallback(
        `http://127.0.0.1:${port}/cb`,
        {
          run_id: "r",
          callback_id: "c",
          callback_nonce: "n".repeat(43),
          status: "success",
          result_uri: "u",
        },
        async () => "Worker-Key k",
        silentLogger,
        { attempts: 2, initialDelayMs: 10, timeoutMs: 200 },
      );
      expect(delivery.outcome).toBe("undeliverable");
      expect(delivery.tries).toBe(2);
    } finally {
      silent.closeAllConnections();
      await new Promise<void>((done) => silent.close(() => done()));
    }
  });
});
