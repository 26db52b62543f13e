import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GoogleIdTokenAuthenticator } from "@validibot/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeGoogleIdentity } from "../../../test-support/google-identity";
import { createTestBundle } from "./support/bundle";
import { fixture, isAlive, runCli, spawnCli, until } from "./support/cli-process";
import { startTestHost, TEST_WORKER_KEY, type TestHost } from "./support/test-host";

let host: TestHost;
beforeAll(async () => {
  host = await startTestHost();
});
afterAll(async () => {
  await host.close();
});

const scratch = () => mkdtempSync(join(tmpdir(), "vr-cli-"));

describe("validibot-validator run, as a child process", () => {
  it("runs a validator module from VALIDIBOT_INPUT_URI and calls back with a Worker-Key", async () => {
    const bundle = await createTestBundle({
      callbackUrl: host.url,
      files: [{ port_key: "model", content: '{"errors": 1}' }],
    });
    host.expect(bundle.envelope);
    const result = await runCli(["run", fixture("report-validator.ts")], {
      VALIDIBOT_INPUT_URI: bundle.inputUri,
      VALIDIBOT_OUTPUT_URI: bundle.outputUri,
      WORKER_API_KEY: TEST_WORKER_KEY,
    });
    expect(result.stderr).toContain("callback delivered");
    expect(result.code).toBe(0);
    const callback = host.received.find((r) => r.output?.run_id === bundle.envelope.run_id);
    expect(callback?.error).toBeNull();
    expect(callback?.output?.status).toBe("failed_validation");
    expect(callback?.output?.messages[0]).toMatchObject({ severity: "ERROR", code: "model.error" });
  });

  it("on SIGTERM stops the child process, writes a cancelled output and posts it", async () => {
    const bundle = await createTestBundle({ callbackUrl: host.url });
    host.expect(bundle.envelope);
    const pidFile = join(scratch(), "child.pid");
    const { child, done } = spawnCli(["run", fixture("child-process-validator.ts")], {
      VALIDIBOT_INPUT_URI: bundle.inputUri,
      WORKER_API_KEY: TEST_WORKER_KEY,
      CHILD_PID_FILE: pidFile,
    });
    await until(() => {
      try {
        return readFileSync(pidFile, "utf8").length > 0;
      } catch {
        return false;
      }
    });
    const childPid = Number(readFileSync(pidFile, "utf8"));
    expect(isAlive(childPid)).toBe(true);
    child.kill("SIGTERM");
    const result = await done;
    expect(result.code).toBe(0);
    expect(isAlive(childPid)).toBe(false);
    const callback = host.received.find((r) => r.output?.run_id === bundle.envelope.run_id);
    expect(callback?.error).toBeNull();
    expect(callback?.body).toMatchObject({ status: "cancelled" });
    expect(callback?.output?.messages.map((m) => m.code)).toContain("attempt_cancelled");
  });

  for (const override of [null, "https://validibot.example.com"]) {
    it(`with DEPLOYMENT_TARGET=gcp sends a Google ID token for ${override === null ? "the callback URL's origin" : "TASK_OIDC_AUDIENCE"}`, async () => {
      const google = await startFakeGoogleIdentity();
      let audience = override ?? "";
      const idHost = await startTestHost({
        authenticator: {
          // The SDK's verifier, made once the host's origin (the default audience) is known.
          authenticate: (headers) =>
            new GoogleIdTokenAuthenticator({
              audience,
              allowedServiceAccounts: [google.serviceAccountEmail],
              certsUrl: google.certsUrl,
            }).authenticate(headers),
        },
      });
      audience = override ?? idHost.origin;
      try {
        const bundle = await createTestBundle({ callbackUrl: idHost.url });
        idHost.expect(bundle.envelope);
        const env = Object.fromEntries(
          Object.entries(google.metadataEnv()).filter(([, v]) => v !== undefined),
        ) as Record<string, string>;
        const result = await runCli(["run", fixture("noop-validator.ts"), bundle.inputUri], {
          ...env,
          DEPLOYMENT_TARGET: "gcp",
          ...(override === null ? {} : { TASK_OIDC_AUDIENCE: override }),
        });
        expect(result.code).toBe(0);
        expect(google.identityRequests.map((r) => r.audience)).toEqual([audience]);
        const callback = idHost.received[0];
        expect(callback?.authorization).toMatch(/^Bearer ey/);
        expect(callback?.error).toBeNull();
        expect(callback?.body).toMatchObject({ status: "success" });
      } finally {
        await idHost.close();
        await google.close();
      }
    });
  }
});
