import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createSigningKey,
  type FakeGoogleIdentity,
  startFakeGoogleIdentity,
} from "../../../../test-support/google-identity";
import { callbackAudienceFor } from "../../src/auth/audience";
import { GoogleIdTokenAuthenticator } from "../../src/auth/google-id-token";
import type { LaunchRequest } from "../../src/launchers/types";
import type { RunRecord } from "../../src/model";
import { callbackFor, outputFor, writeOutput } from "./act-as-validator";
import { ENERGYPLUS, type Harness, SAMPLE_IDF, startHarness } from "./harness";
import { RecordingLauncher } from "./recording-launcher";

const launcher = new RecordingLauncher();
let harness: Harness;

beforeAll(async () => {
  harness = await startHarness({ launcher, service: { maxOutputBytes: 4096 } });
});
afterAll(async () => harness.close());

/** Submits a fresh run; the recording launcher leaves it RUNNING for the test to answer. */
async function launched(): Promise<{ run: RunRecord; request: LaunchRequest }> {
  const run = await harness.service.submit({
    validatorId: ENERGYPLUS.id,
    files: [{ port_key: "primary_model", name: "model.idf", body: SAMPLE_IDF }],
  });
  expect(run.status).toBe("RUNNING");
  return { run, request: launcher.last };
}

/** The run has not moved and holds no results. */
async function expectUnchanged(run: RunRecord) {
  const now = await harness.service.getRun(run.id);
  expect(now?.status).toBe("RUNNING");
  expect(now?.result_status).toBeNull();
  expect(await harness.store.listFindings(run.id)).toEqual([]);
  const attempt = await harness.store.getAttempt(run.current_attempt_id as string);
  expect(await harness.store.getReceipt(attempt?.callback_id as string)).toBeNull();
}

describe("callbacks refused before anything is read", () => {
  it.each([
    ["no Authorization header", {}, 401, "auth_missing"],
    [
      "a wrong Worker-Key",
      { authorization: "Worker-Key not-the-key-0123456789" },
      401,
      "auth_invalid_worker_key",
    ],
    [
      "a Bearer token where a Worker-Key is expected",
      { authorization: "Bearer abc.def.ghi" },
      401,
      "auth_malformed",
    ],
  ])("%s", async (_name, headers, status, code) => {
    const { run, request } = await launched();
    await writeOutput(harness.storage, request, outputFor(request, "failed_validation"));
    const answer = await harness.post(callbackFor(request), headers as Record<string, string>);
    expect(answer).toMatchObject({ status, body: { code } });
    await expectUnchanged(run);
    // nothing was consumed: the genuine callback still goes through
    expect((await harness.post(callbackFor(request))).body).toEqual({ status: "accepted" });
  });

  it("a body that is not JSON", async () => {
    const answer = await harness.post("{not json");
    expect(answer).toMatchObject({ status: 400, body: { code: "invalid_json" } });
  });

  it("a body that does not fit the contract (missing nonce, extra field)", async () => {
    const { run, request } = await launched();
    const { callback_nonce: _dropped, ...noNonce } = callbackFor(request);
    expect((await harness.post(noNonce)).body.code).toBe("invalid_request");
    expect((await harness.post({ ...callbackFor(request), extra: 1 })).body.code).toBe(
      "invalid_request",
    );
    await expectUnchanged(run);
  });

  it("an unknown callback_id", async () => {
    const { run, request } = await launched();
    const answer = await harness.post({
      ...callbackFor(request),
      callback_id: "execution-attempt-unknown",
    });
    expect(answer).toMatchObject({ status: 404, body: { code: "callback_unknown" } });
    await expectUnchanged(run);
  });

  it("a callback_id of another run", async () => {
    const first = await launched();
    const second = await launched();
    const answer = await harness.post({ ...callbackFor(second.request), run_id: first.run.id });
    expect(answer).toMatchObject({ status: 400, body: { code: "callback_run_mismatch" } });
    await expectUnchanged(first.run);
    await expectUnchanged(second.run);
  });

  it("a wrong nonce", async () => {
    const { run, request } = await launched();
    await writeOutput(harness.storage, request, outputFor(request, "success"));
    const answer = await harness.post({ ...callbackFor(request), callback_nonce: "x".repeat(43) });
    expect(answer).toMatchObject({ status: 403, body: { code: "callback_nonce_mismatch" } });
    await expectUnchanged(run);
  });

  it.each([
    ["a file outside storage", () => "file:///etc/passwd"],
    [
      "a path climbing out of the bundle",
      (r: LaunchRequest) => r.outputUri.replace("output.json", "../../../../../../x/output.json"),
    ],
    ["the bundle itself", (r: LaunchRequest) => r.bundleUri],
    ["a gs:// URI", () => "gs://bucket/runs/x/output.json"],
  ])("a result_uri outside the bundle: %s", async (_name, uriOf) => {
    const { run, request } = await launched();
    const answer = await harness.post({ ...callbackFor(request), result_uri: uriOf(request) });
    expect(answer).toMatchObject({ status: 400, body: { code: "result_uri_outside_bundle" } });
    await expectUnchanged(run);
  });

  it("a result_uri inside another attempt's bundle", async () => {
    const other = await launched();
    const { run, request } = await launched();
    await writeOutput(harness.storage, other.request, outputFor(other.request, "success"));
    const answer = await harness.post({
      ...callbackFor(request),
      result_uri: other.request.outputUri,
    });
    expect(answer).toMatchObject({ status: 400, body: { code: "result_uri_outside_bundle" } });
    await expectUnchanged(run);
  });
});

describe("callbacks refused for what output.json holds", () => {
  it("output.json missing", async () => {
    const { run, request } = await launched();
    const answer = await harness.post(callbackFor(request));
    expect(answer).toMatchObject({ status: 400, body: { code: "output_missing" } });
    await expectUnchanged(run);
    // a retry after the validator wrote it succeeds: the failed attempt released its claim
    await writeOutput(harness.storage, request, outputFor(request, "success"));
    expect((await harness.post(callbackFor(request))).body).toEqual({ status: "accepted" });
  });

  it("output.json too large", async () => {
    const { run, request } = await launched();
    const big = outputFor(request, "success", {
      messages: Array.from({ length: 200 }, (_, i) => ({ severity: "INFO", text: `message ${i}` })),
    });
    await writeOutput(harness.storage, request, big);
    const answer = await harness.post(callbackFor(request));
    expect(answer).toMatchObject({ status: 413, body: { code: "output_too_large" } });
    await expectUnchanged(run);
  });

  it.each([
    ["not JSON", "{{{"],
    ["JSON of the wrong shape", JSON.stringify({ hello: "world" })],
    ["an unknown status", null],
  ])("output.json malformed: %s", async (_name, text) => {
    const { run, request } = await launched();
    await writeOutput(
      harness.storage,
      request,
      text ?? outputFor(request, "success", { status: "great" }),
    );
    const answer = await harness.post(callbackFor(request));
    expect(answer).toMatchObject({ status: 400, body: { code: "output_malformed" } });
    await expectUnchanged(run);
  });

  it("an artifact pointing outside the bundle", async () => {
    const { run, request } = await launched();
    const artifact = {
      name: "secrets.txt",
      type: "log",
      uri: "file:///etc/passwd",
      size_bytes: 1,
      sha256: "0".repeat(64),
      storage_version: "sha256:x",
    };
    await writeOutput(
      harness.storage,
      request,
      outputFor(request, "success", { artifacts: [artifact] }),
    );
    const answer = await harness.post(callbackFor(request));
    expect(answer).toMatchObject({ status: 400, body: { code: "output_malformed" } });
    await expectUnchanged(run);
  });

  it.each([
    ["run_id", { run_id: "another-run" }],
    ["step_run_id", { step_run_id: "another-step-run" }],
    ["execution_attempt_id", { execution_attempt_id: "another-attempt" }],
    ["input_envelope_sha256", { input_envelope_sha256: "a".repeat(64) }],
    ["output_uri", { output_uri: "file:///elsewhere/output.json" }],
    ["validator.id", { validator: { id: "another", type: "ENERGYPLUS", version: "24.1.0" } }],
    [
      "validator.type",
      {
        validator: { id: "energyplus", type: "CUSTOM_VALIDATOR", version: "24.1.0" },
        outputs: null,
      },
    ],
  ])("an output identity mismatch in %s", async (field, override) => {
    const { run, request } = await launched();
    await writeOutput(harness.storage, request, outputFor(request, "success", override));
    const answer = await harness.post(callbackFor(request));
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe("output_identity_mismatch");
    expect(answer.body.message).toContain(field);
    await expectUnchanged(run);
  });
});

describe("Google ID token callbacks", () => {
  const allowed = "validator@fake-project.iam.gserviceaccount.com";
  let identity: FakeGoogleIdentity;
  let google: Harness;
  const googleLauncher = new RecordingLauncher("google-recording");

  beforeAll(async () => {
    identity = await startFakeGoogleIdentity({ serviceAccountEmail: allowed });
    google = await startHarness({
      launcher: googleLauncher,
      authenticator: (url) =>
        new GoogleIdTokenAuthenticator({
          audience: callbackAudienceFor(url),
          allowedServiceAccounts: [allowed],
          certsUrl: identity.certsUrl,
        }),
    });
  });
  afterAll(async () => {
    await google.close();
    await identity.close();
  });

  async function googleRun() {
    const run = await google.service.submit({
      validatorId: ENERGYPLUS.id,
      files: [{ port_key: "primary_model", name: "model.idf", body: SAMPLE_IDF }],
    });
    const request = googleLauncher.last;
    await writeOutput(google.storage, request, outputFor(request, "success"));
    return { run, request };
  }

  const audience = () => callbackAudienceFor(google.callbackUrl);
  const now = () => Math.floor(Date.now() / 1000);

  it.each([
    [
      "a bad signature",
      () => identity.mintIdToken({ aud: audience() }, { key: createSigningKey().privateKey }),
      401,
      "auth_invalid_signature",
    ],
    [
      "a wrong audience",
      () => identity.mintIdToken({ aud: "https://elsewhere.example.com" }),
      401,
      "auth_wrong_audience",
    ],
    [
      "a wrong issuer",
      () => identity.mintIdToken({ aud: audience(), iss: "https://evil.example.com" }),
      401,
      "auth_wrong_issuer",
    ],
    [
      "an expired token",
      () => identity.mintIdToken({ aud: audience(), iat: now() - 7200, exp: now() - 3600 }),
      401,
      "auth_token_expired",
    ],
    [
      "an unverified email",
      () => identity.mintIdToken({ aud: audience(), email_verified: false }),
      403,
      "auth_email_unverified",
    ],
    [
      "a service account not allowed",
      () =>
        identity.mintIdToken({ aud: audience(), email: "intruder@evil.iam.gserviceaccount.com" }),
      403,
      "auth_service_account_not_allowed",
    ],
  ])("refuses %s and leaves the run unchanged", async (_name, token, status, code) => {
    const { run, request } = await googleRun();
    const answer = await google.post(callbackFor(request, "success"), {
      authorization: `Bearer ${token()}`,
    });
    expect(answer.status).toBe(status);
    expect(answer.body.code).toBe(code);
    expect((await google.service.getRun(run.id))?.status).toBe("RUNNING");
  });

  it("accepts a valid token of an allowed service account", async () => {
    const { run, request } = await googleRun();
    const token = identity.mintIdToken({ aud: audience() });
    const answer = await google.post(callbackFor(request, "success"), {
      authorization: `Bearer ${token}`,
    });
    expect(answer.body).toEqual({ status: "accepted" });
    expect((await google.service.getRun(run.id))?.status).toBe("SUCCEEDED");
  });
});
