import { CloudRunJobLauncher, LocalProcessLauncher } from "@validibot/sdk/launchers";
import { runAttempt, silentLogger } from "@validibot/validator-runtime";
import { PassThroughClient } from "google-auth-library";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { WORKER_KEY } from "../service/harness";
import { type FakeCloudRunServer, startFakeCloudRunServer } from "../support/fake-cloud-run-server";
import reportValidator from "./support/fixtures/report-validator";
import { type Host, REPORT, reportModel, startHost } from "./support/host";
import { expectEveryRunSettled } from "./support/invariants";
import { killTagged, leftoverProcesses, newTag, TAG_VARIABLE } from "./support/processes";

const JOB_NAME = "projects/demo-project/locations/europe-west1/jobs/validibot-report";
const UNAVAILABLE = { httpStatus: 503, status: "UNAVAILABLE" };

describe("the Cloud Run launcher fails, against the fake Cloud Run Admin API", () => {
  let fake: FakeCloudRunServer;
  let host: Host;

  beforeEach(async () => {
    fake = await startFakeCloudRunServer({ jobs: [JOB_NAME] });
    host = await startHost({
      validators: [REPORT],
      launcher: new CloudRunJobLauncher({
        project: "demo-project",
        region: "europe-west1",
        jobName: "validibot-report",
        retryBaseMs: 1,
        clientOptions: {
          apiEndpoint: "127.0.0.1",
          port: fake.port,
          protocol: "http",
          fallback: true,
          authClient: new PassThroughClient(),
        },
      }),
    });
  });

  afterEach(async () => {
    await host.close();
    await fake.close();
  });

  const runJobRequests = () => fake.requests.filter((r) => r.route === "runJob");

  /**
   * Plays the Cloud Run execution: the real runtime, in this process, with exactly the
   * environment the launcher asked Cloud Run to set (Worker-Key auth in place of ID tokens, which
   * need Google's metadata server).
   */
  async function runExecution() {
    const body = runJobRequests().at(-1)?.body as {
      overrides: { containerOverrides: { env: { name: string; value: string }[] }[] };
    };
    const env = Object.fromEntries(
      (body.overrides.containerOverrides[0]?.env ?? []).map((e) => [e.name, e.value]),
    );
    return runAttempt(reportValidator, {
      env: { ...env, DEPLOYMENT_TARGET: "self_hosted", WORKER_API_KEY: WORKER_KEY },
      args: [],
      handleSignals: false,
      callback: { attempts: 3, initialDelayMs: 20 },
      log: silentLogger,
    });
  }

  it("answers 503 twice, then runs the job once: the run starts normally and completes", async () => {
    fake.failNext("runJob", UNAVAILABLE, UNAVAILABLE);
    const run = await host.service.submit({
      validatorId: REPORT.id,
      files: [reportModel({ errors: 1, warnings: 2 })],
    });
    expect(run.status).toBe("RUNNING");
    expect(runJobRequests()).toHaveLength(3);
    // The failed tries started nothing: one execution, the one the attempt records.
    expect([...fake.executions.keys()]).toEqual([
      (await host.store.getAttempt(run.current_attempt_id as string))?.execution_ref,
    ]);

    const outcome = await runExecution();
    expect(outcome).toMatchObject({ exitCode: 0, callback: "delivered" });
    const done = await host.service.waitForRun(run.id, { timeoutMs: 10_000 });
    expect(done).toMatchObject({ status: "FAILED", error_category: "VALIDATION_FAILED" });
    const settled = await expectEveryRunSettled(host.store, host.storage);
    expect(settled.findings).toBe(3);
  });

  it("answers 403: FAILED / SYSTEM_ERROR with launcher_permission_denied, tried once, nothing started", async () => {
    fake.failNext("runJob", {
      httpStatus: 403,
      status: "PERMISSION_DENIED",
      message: `Permission 'run.jobs.runWithOverrides' denied on resource '${JOB_NAME}'`,
    });
    const run = await host.service.submit({
      validatorId: REPORT.id,
      files: [reportModel({ warnings: 1 })],
    });
    expect(run).toMatchObject({ status: "FAILED", error_category: "SYSTEM_ERROR" });
    expect(run.error_message).toContain("launcher_permission_denied");
    expect(run.error_message).toContain("run.jobs.runWithOverrides");
    const attempt = await host.store.getAttempt(run.current_attempt_id as string);
    expect(attempt).toMatchObject({ status: "LAUNCH_FAILED", execution_ref: null });
    expect(attempt?.launch_error).toMatch(/^launcher_permission_denied: /);
    expect(runJobRequests()).toHaveLength(1);
    expect(fake.executions.size).toBe(0);
    await expectEveryRunSettled(host.store, host.storage);
  });

  it("stays unavailable past its retries: FAILED / SYSTEM_ERROR, nothing started, and the next run launches", async () => {
    fake.failNext("runJob", UNAVAILABLE, UNAVAILABLE, UNAVAILABLE, UNAVAILABLE, UNAVAILABLE);
    const failed = await host.service.submit({
      validatorId: REPORT.id,
      files: [reportModel({})],
    });
    expect(failed).toMatchObject({ status: "FAILED", error_category: "SYSTEM_ERROR" });
    expect(failed.error_message).toContain("gave up after 5 tries");
    expect(fake.executions.size).toBe(0);

    const next = await host.service.submit({ validatorId: REPORT.id, files: [reportModel({})] });
    expect(next.status).toBe("RUNNING");
    expect(fake.executions.size).toBe(1);
    expect(await runExecution()).toMatchObject({ exitCode: 0, callback: "delivered" });
    expect(await host.service.waitForRun(next.id, { timeoutMs: 10_000 })).toMatchObject({
      status: "SUCCEEDED",
    });
    await expectEveryRunSettled(host.store, host.storage);
  });
});

describe("the local process launcher fails hard", () => {
  let host: Host;
  const tag = newTag();

  afterEach(async () => {
    await host.close();
    killTagged(tag);
  });

  it("a command that does not exist: FAILED / SYSTEM_ERROR with launch_failed, no process left", async () => {
    const launcher = new LocalProcessLauncher({
      command: "/nonexistent/validibot-validator",
      workerKey: WORKER_KEY,
      inheritEnv: false,
      env: { PATH: process.env.PATH ?? "", [TAG_VARIABLE]: tag },
    });
    host = await startHost({ validators: [REPORT], launcher });
    const run = await host.service.submit({
      validatorId: REPORT.id,
      files: [reportModel({ errors: 1 })],
    });
    expect(run).toMatchObject({ status: "FAILED", error_category: "SYSTEM_ERROR" });
    expect(run.error_message).toMatch(/launch failed \(launch_failed\): could not start/);
    expect(run.error_message).toContain("ENOENT");
    expect(launcher.runningCount).toBe(0);
    expect(await leftoverProcesses(tag)).toEqual([]);
    await expectEveryRunSettled(host.store, host.storage);
  });
});
