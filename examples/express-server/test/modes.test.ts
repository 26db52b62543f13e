import { CALLBACK_PATH, ErrorBody } from "@validibot/contracts";
import { createValidibotClient } from "@validibot/sdk/client";
import { describe, expect, it } from "vitest";
import { RecordingLauncher } from "../../../packages/sdk/test/service/recording-launcher";
import { SAMPLE_IDF, startTestServer } from "./support/test-server";

describe("local mode (the embedded default)", () => {
  it("runs the built-in validators as local processes through the runtime CLI, which call back", async () => {
    const t = await startTestServer({ VALIDIBOT_MODE: "local" });
    try {
      expect(t.server.workerKey).toEqual(expect.any(String));
      const client = createValidibotClient({ baseUrl: t.url, token: t.token });
      const energyplus = await client.submitRun({
        validator: "energyplus",
        inputs: { run_simulation: false },
        files: [{ port_key: "primary_model", name: "model.idf", data: SAMPLE_IDF }],
      });
      const fmu = await client.submitRun({
        validator: "fmu",
        files: [{ port_key: "fmu", name: "broken.fmu", data: "this is not a zip archive" }],
      });
      for (const submitted of [energyplus, fmu]) {
        const run = await client.waitForRun(submitted.id, { timeoutMs: 25_000, intervalMs: 100 });
        // A result_status means the runtime's output envelope came back through the callback.
        expect(run.result_status, `${run.validator_id}: ${run.error_message}`).not.toBeNull();
        const findings = await client.listFindings(run.id);
        expect(findings.length, run.validator_id).toBeGreaterThan(0);
      }
      expect((await client.getRun(fmu.id)).status).toBe("FAILED");
    } finally {
      await t.close();
    }
  });
});

describe("a launcher of the host's own (CreateServerOptions.launcher)", () => {
  it("launches every validator instead of the mode's launchers", async () => {
    const launcher = new RecordingLauncher("host-own");
    const t = await startTestServer({ VALIDIBOT_MODE: "local" }, { launcher });
    try {
      const client = createValidibotClient({ baseUrl: t.url, token: t.token });
      const run = await client.submitRun({
        validator: "energyplus",
        files: [{ port_key: "primary_model", name: "model.idf", data: SAMPLE_IDF }],
      });
      expect(run.status).toBe("RUNNING");
      expect(launcher.launches.map((l) => l.request.run.id)).toEqual([run.id]);
      expect(launcher.last.inputUri).toMatch(/^file:\/\/.+\/input\.json$/);
    } finally {
      await t.close();
    }
  });
});

describe("production mode", () => {
  it("authenticates callbacks with Google ID tokens, not the worker key", async () => {
    const t = await startTestServer({
      VALIDIBOT_MODE: "production",
      HOST: "127.0.0.1",
      GCS_BUCKET: "validibot-test-bundles",
      GCP_PROJECT: "validibot-test",
      GCP_REGION: "europe-west1",
      CALLBACK_SERVICE_ACCOUNTS: "validator@validibot-test.iam.gserviceaccount.com",
      VALIDIBOT_PUBLIC_URL: "https://validibot.example.com",
    });
    try {
      expect(t.server.workerKey).toBeNull();
      expect(t.server.callbackUrl).toBe(`https://validibot.example.com${CALLBACK_PATH}`);
      expect(await (await fetch(`${t.url}/healthz`)).json()).toMatchObject({
        status: "ok",
        mode: "production",
      });
      const response = await fetch(`${t.url}${CALLBACK_PATH}`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          authorization: "Worker-Key a-worker-key-that-looks-fine",
        },
        body: "{}",
      });
      expect(response.status).toBe(401);
      expect(ErrorBody.parse(await response.json()).code).toMatch(/^auth_/);
    } finally {
      await t.close();
    }
  });
});
