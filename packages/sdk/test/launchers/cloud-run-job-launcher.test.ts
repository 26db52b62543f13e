import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isValidibotError, type ValidibotError } from "@validibot/contracts";
import {
  CloudRunJobLauncher,
  type CloudRunJobLauncherOptions,
  executionStatusOf,
} from "@validibot/sdk/launchers";
import { PassThroughClient } from "google-auth-library";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeCloudRunServer, startFakeCloudRunServer } from "../support/fake-cloud-run-server";
import { unusedContext, writeAttempt } from "./helpers";

const PROJECT = "demo-project";
const REGION = "europe-west1";
const JOB = "validibot-energyplus";
const JOB_NAME = `projects/${PROJECT}/locations/${REGION}/jobs/${JOB}`;
const FMU_JOB_NAME = `projects/${PROJECT}/locations/${REGION}/jobs/validibot-fmu`;
const SERVICE_ACCOUNT = "validibot-host@demo-project.iam.gserviceaccount.com";

let root: string;
let fake: FakeCloudRunServer;
const launchers: CloudRunJobLauncher[] = [];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "validibot-cloud-run-"));
});

beforeEach(async () => {
  fake = await startFakeCloudRunServer({ jobs: [JOB_NAME, FMU_JOB_NAME] });
});

afterEach(async () => {
  await Promise.all(launchers.splice(0).map((launcher) => launcher.close()));
  await fake.close();
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A launcher whose real `@google-cloud/run` clients talk REST over plain HTTP to the fake, without credentials. */
function launcher(options: Partial<CloudRunJobLauncherOptions> = {}): CloudRunJobLauncher {
  const created = new CloudRunJobLauncher({
    project: PROJECT,
    region: REGION,
    jobName: JOB,
    retryBaseMs: 1,
    serviceAccountEmail: SERVICE_ACCOUNT,
    clientOptions: {
      apiEndpoint: "127.0.0.1",
      port: fake.port,
      protocol: "http",
      fallback: true,
      authClient: new PassThroughClient(),
    },
    ...options,
  });
  launchers.push(created);
  return created;
}

async function launchError(local: CloudRunJobLauncher, timeoutSeconds = 600) {
  const request = await writeAttempt(root, { timeoutSeconds });
  return (await local.launch(request, unusedContext()).catch((e: unknown) => e)) as ValidibotError;
}

const runRequests = () => fake.requests.filter((r) => r.route === "runJob");

describe("CloudRunJobLauncher", () => {
  it("runs the job with the contract's env overrides, the attempt's timeout and one task, without waiting", async () => {
    const cloudRun = launcher({
      env: { TASK_OIDC_AUDIENCE: "https://host.example.com", VALIDIBOT_INPUT_URI: "ignored" },
    });
    const request = await writeAttempt(root, { timeoutSeconds: 900 });
    const { executionRef } = await cloudRun.launch(request, unusedContext());

    expect(cloudRun.name).toBe("cloud-run");
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`POST /v2/${JOB_NAME}:run`]);
    expect(fake.requests[0]?.body).toEqual({
      overrides: {
        containerOverrides: [
          {
            env: [
              { name: "VALIDIBOT_INPUT_URI", value: request.inputUri },
              { name: "VALIDIBOT_OUTPUT_URI", value: request.outputUri },
              { name: "DEPLOYMENT_TARGET", value: "gcp" },
              { name: "TASK_OIDC_AUDIENCE", value: "https://host.example.com" },
            ],
          },
        ],
        taskCount: 1,
        timeout: "900s",
      },
    });
    expect(executionRef).toMatch(new RegExp(`^${JOB_NAME}/executions/${JOB}-[0-9a-f]{6}$`));
    expect(fake.executions.has(executionRef)).toBe(true);
  });

  it("picks the job per request with jobNameFor, by id or full resource name", async () => {
    const cloudRun = launcher({
      jobNameFor: (r) => (r.validator.type === "FMU" ? FMU_JOB_NAME : JOB),
    });
    const fmu = await cloudRun.launch(
      await writeAttempt(root, { validatorType: "FMU" }),
      unusedContext(),
    );
    const energyplus = await cloudRun.launch(
      await writeAttempt(root, { validatorType: "ENERGYPLUS" }),
      unusedContext(),
    );
    expect(runRequests().map((r) => r.path)).toEqual([
      `/v2/${FMU_JOB_NAME}:run`,
      `/v2/${JOB_NAME}:run`,
    ]);
    expect(fmu.executionRef.startsWith(`${FMU_JOB_NAME}/executions/`)).toBe(true);
    expect(energyplus.executionRef.startsWith(`${JOB_NAME}/executions/`)).toBe(true);
  });

  it("retries 503 UNAVAILABLE with backoff and succeeds on the third try", async () => {
    fake.failNext(
      "runJob",
      { httpStatus: 503, status: "UNAVAILABLE" },
      { httpStatus: 503, status: "UNAVAILABLE" },
    );
    const cloudRun = launcher();
    const { executionRef } = await cloudRun.launch(await writeAttempt(root), unusedContext());
    expect(runRequests()).toHaveLength(3);
    expect(fake.executions.size).toBe(1);
    expect(fake.executions.has(executionRef)).toBe(true);
  });

  it("retries 429 and 500, then fails launch_failed once the retries are spent", async () => {
    fake.failNext(
      "runJob",
      { httpStatus: 429, status: "RESOURCE_EXHAUSTED" },
      { httpStatus: 500, status: "INTERNAL" },
      { httpStatus: 429, status: "RESOURCE_EXHAUSTED" },
      { httpStatus: 429, status: "RESOURCE_EXHAUSTED", message: "Quota exceeded" },
    );
    const error = await launchError(launcher({ maxRetries: 3 }));
    expect(isValidibotError(error) && error.code).toBe("launch_failed");
    expect(error.message).toContain("gave up after 4 tries");
    expect(error.message).toContain("Quota exceeded");
    expect(runRequests()).toHaveLength(4);
  });

  it("fails 403 as launcher_permission_denied naming the permission, the job and the caller, without retrying", async () => {
    fake.failNext("runJob", {
      httpStatus: 403,
      status: "PERMISSION_DENIED",
      message: `Permission 'run.jobs.runWithOverrides' denied on resource '${JOB_NAME}'`,
    });
    const error = await launchError(launcher());
    expect(isValidibotError(error) && error.code).toBe("launcher_permission_denied");
    expect(error.message).toContain("run.jobs.runWithOverrides");
    expect(error.message).toContain(JOB_NAME);
    expect(error.message).toContain(SERVICE_ACCOUNT);
    expect(error.details).toMatchObject({
      permission: "run.jobs.runWithOverrides",
      http_status: 403,
    });
    expect(runRequests()).toHaveLength(1);
  });

  it("fails an unknown job as launcher_job_not_found naming it, without retrying", async () => {
    const error = await launchError(launcher({ jobName: "no-such-job" }));
    const missing = `projects/${PROJECT}/locations/${REGION}/jobs/no-such-job`;
    expect(isValidibotError(error) && error.code).toBe("launcher_job_not_found");
    expect(error.message).toContain(missing);
    expect(runRequests()).toHaveLength(1);
  });

  it("tries once with maxRetries 0", async () => {
    fake.failNext("runJob", { httpStatus: 503, status: "UNAVAILABLE" });
    const error = await launchError(launcher({ maxRetries: 0 }));
    expect(isValidibotError(error) && error.code).toBe("launch_failed");
    expect(error.message).toContain("gave up after 1 try");
    expect(runRequests()).toHaveLength(1);
  });

  it("never retries other client errors", async () => {
    fake.failNext("runJob", {
      httpStatus: 400,
      status: "INVALID_ARGUMENT",
      message: "bad timeout",
    });
    const error = await launchError(launcher());
    expect(isValidibotError(error) && error.code).toBe("launch_failed");
    expect(error.message).toContain("bad timeout");
    expect(runRequests()).toHaveLength(1);
  });

  it("reads the execution name from the operation when the run answer lacks it", async () => {
    fake.omitExecutionNameOnRun = true;
    const cloudRun = launcher();
    const { executionRef } = await cloudRun.launch(await writeAttempt(root), unusedContext());
    expect(fake.requests.map((r) => r.route)).toEqual(["runJob", "getOperation"]);
    expect(fake.executions.has(executionRef)).toBe(true);
  });

  it("maps each execution state through getExecution", async () => {
    const cloudRun = launcher();
    const { executionRef } = await cloudRun.launch(await writeAttempt(root), unusedContext());
    const states = [
      [{}, "running"],
      [{ runningCount: 1, conditions: [] }, "running"],
      [
        {
          runningCount: 0,
          succeededCount: 1,
          completionTime: "2026-01-01T00:00:00Z",
          conditions: [{ type: "Completed", state: "CONDITION_SUCCEEDED" }],
        },
        "succeeded",
      ],
      [
        {
          succeededCount: 0,
          failedCount: 1,
          completionTime: "2026-01-01T00:00:00Z",
          conditions: [
            {
              type: "Completed",
              state: "CONDITION_FAILED",
              executionReason: "NON_ZERO_EXIT_CODE",
              message: "Task validibot-energyplus-abc-task0 failed with exit code 1",
            },
          ],
        },
        "failed",
      ],
      [
        {
          failedCount: 0,
          cancelledCount: 1,
          conditions: [
            { type: "Completed", state: "CONDITION_FAILED", executionReason: "CANCELLED" },
          ],
        },
        "cancelled",
      ],
      [
        {
          cancelledCount: 0,
          completionTime: "2026-01-01T00:00:00Z",
          succeededCount: 1,
          conditions: [],
        },
        "succeeded",
      ],
      [{ deleteTime: "2026-01-02T00:00:00Z" }, "unknown"],
    ] as const;
    const statuses = [];
    for (const [fields] of states) {
      fake.executions.set(executionRef, { name: executionRef, taskCount: 1, ...fields });
      statuses.push(await cloudRun.status(executionRef));
    }
    expect(statuses.map((s) => s.state)).toEqual(states.map(([, expected]) => expected));
    expect(statuses[3]?.detail).toContain("failed with exit code 1");
    expect(fake.requests.filter((r) => r.route === "getExecution")).toHaveLength(states.length);
  });

  it("answers unknown for an execution Cloud Run does not have", async () => {
    const cloudRun = launcher();
    const status = await cloudRun.status(`${JOB_NAME}/executions/${JOB}-gone`);
    expect(status.state).toBe("unknown");
    expect((await cloudRun.status("not-an-execution")).state).toBe("unknown");
  });

  it("fails status with launcher_permission_denied naming run.executions.get", async () => {
    const cloudRun = launcher();
    const { executionRef } = await cloudRun.launch(await writeAttempt(root), unusedContext());
    fake.failNext("getExecution", { httpStatus: 403, status: "PERMISSION_DENIED" });
    const error = (await cloudRun.status(executionRef).catch((e: unknown) => e)) as ValidibotError;
    expect(isValidibotError(error) && error.code).toBe("launcher_permission_denied");
    expect(error.message).toContain("run.executions.get");
  });

  it("cancels through cancelExecution without waiting; cancelling an ended or unknown execution is no error", async () => {
    const cloudRun = launcher();
    const { executionRef } = await cloudRun.launch(await writeAttempt(root), unusedContext());
    fake.failNext("cancelExecution", { httpStatus: 503, status: "UNAVAILABLE" });
    await cloudRun.cancel(executionRef);
    const cancels = fake.requests.filter((r) => r.route === "cancelExecution");
    expect(cancels.map((r) => `${r.method} ${r.path}`)).toEqual([
      `POST /v2/${executionRef}:cancel`,
      `POST /v2/${executionRef}:cancel`,
    ]);
    expect(fake.requests.some((r) => r.route === "getOperation")).toBe(false);
    expect((await cloudRun.status(executionRef)).state).toBe("cancelled");

    await expect(cloudRun.cancel(executionRef)).resolves.toBeUndefined();
    await expect(cloudRun.cancel(`${JOB_NAME}/executions/${JOB}-gone`)).resolves.toBeUndefined();
  });

  it("fails cancel with launcher_permission_denied naming run.executions.cancel", async () => {
    const cloudRun = launcher();
    const { executionRef } = await cloudRun.launch(await writeAttempt(root), unusedContext());
    fake.failNext("cancelExecution", { httpStatus: 403, status: "PERMISSION_DENIED" });
    const error = (await cloudRun.cancel(executionRef).catch((e: unknown) => e)) as ValidibotError;
    expect(isValidibotError(error) && error.code).toBe("launcher_permission_denied");
    expect(error.message).toContain("run.executions.cancel");
  });

  it("refuses a configuration without a job", () => {
    expect(() => new CloudRunJobLauncher({ project: PROJECT, region: REGION })).toThrow(
      /jobName or jobNameFor/,
    );
  });
});

describe("executionStatusOf", () => {
  it("reads enums given as numbers as well as names", () => {
    expect(
      executionStatusOf({
        failedCount: 1,
        conditions: [{ type: "Completed", state: 3, executionReason: 2, message: "exit code 2" }],
      }),
    ).toMatchObject({ state: "failed" });
    expect(
      executionStatusOf({ conditions: [{ type: "Completed", state: 3, executionReason: 3 }] }),
    ).toMatchObject({ state: "cancelled" });
    expect(
      executionStatusOf({ conditions: [{ type: "Completed", state: 4 }], succeededCount: 1 }),
    ).toMatchObject({ state: "succeeded" });
    expect(executionStatusOf({ conditions: [{ type: "Completed", state: 1 }] })).toMatchObject({
      state: "running",
    });
  });
});
