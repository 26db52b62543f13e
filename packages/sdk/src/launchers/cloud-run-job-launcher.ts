import { ValidibotError } from "@validibot/contracts";
import { type CloudErrorInfo, classifyCloudError, describeCloudError } from "./cloud-run-errors";
import { type CloudRunExecution, executionStatusOf } from "./cloud-run-status";
import { CONTRACT_ENV, contractEnv } from "./contract-env";
import { type RetryPolicy, withRetries } from "./retry";
import type {
  ExecutionStatus,
  LaunchContext,
  Launcher,
  LaunchRequest,
  LaunchResult,
} from "./types";

/**
 * A Cloud Run long-running operation as the client returns it; its metadata is the Execution
 * (typed loosely, as the client types it).
 */
export interface CloudRunOperation {
  name?: string | null;
  metadata?: unknown;
}

/** The `RunJobRequest` this launcher sends. */
export interface CloudRunRunJobRequest {
  name: string;
  overrides: {
    containerOverrides: { env: { name: string; value: string }[] }[];
    timeout: { seconds: number };
    taskCount: number;
  };
}

/** What the launcher uses of `@google-cloud/run`'s `JobsClient` (a real one fits). */
export interface CloudRunJobsApi {
  runJob(request: CloudRunRunJobRequest): Promise<[CloudRunOperation, ...unknown[]]>;
  checkRunJobProgress(name: string): Promise<CloudRunOperation>;
  close(): Promise<void>;
}

/** What the launcher uses of `@google-cloud/run`'s `ExecutionsClient` (a real one fits). */
export interface CloudRunExecutionsApi {
  getExecution(request: { name: string }): Promise<[CloudRunExecution, ...unknown[]]>;
  cancelExecution(request: { name: string }): Promise<[CloudRunOperation, ...unknown[]]>;
  close(): Promise<void>;
}

/** Options of `CloudRunJobLauncher`. */
export interface CloudRunJobLauncherOptions {
  /** The Google Cloud project id of the job. */
  project: string;
  /** The job's region, e.g. `europe-west1`. */
  region: string;
  /** The job's id (or full resource name `projects/P/locations/R/jobs/J`). One of `jobName` / `jobNameFor`. */
  jobName?: string;
  /** The job per request (e.g. one job per validator type); an id or a full resource name. */
  jobNameFor?: (request: LaunchRequest) => string;
  /** A `JobsClient` to use. Default: one created from `clientOptions`, loaded lazily. */
  client?: CloudRunJobsApi;
  /** An `ExecutionsClient` to use. Default: one created from `clientOptions`, loaded lazily. */
  executionsClient?: CloudRunExecutionsApi;
  /**
   * Options for the clients this launcher creates (`apiEndpoint`, `fallback`, `authClient`,
   * `keyFilename`, ...). Default: none (Application Default Credentials, gRPC transport).
   */
  clientOptions?: Record<string, unknown>;
  /** Retries of a transient failure (429, 5xx, UNAVAILABLE, ...) after the first try. Default: 4. */
  maxRetries?: number;
  /** The first retry delay; each retry doubles its bound, with full jitter. Default: 500 ms. */
  retryBaseMs?: number;
  /** The longest retry delay. Default: 10 000 ms. */
  retryMaxMs?: number;
  /**
   * Extra environment variables for the container, sent as overrides. They are visible in the
   * execution's spec: put secrets in the job definition (Secret Manager), not here. Default: none.
   */
  env?: Record<string, string>;
  /**
   * The service account the host calls Cloud Run as; named in permission errors so the fix is
   * obvious. Default: none.
   */
  serviceAccountEmail?: string;
  /** `Launcher.name`, stored with each attempt. Default: `cloud-run`. */
  name?: string;
}

interface CloudRunClients {
  jobs: CloudRunJobsApi;
  executions: CloudRunExecutionsApi;
  /** The clients this launcher created, and so closes. */
  owned: { close(): Promise<void> }[];
}

/** The permission each call needs, for error messages. */
const PERMISSION = {
  runJob: "run.jobs.runWithOverrides",
  getExecution: "run.executions.get",
  cancelExecution: "run.executions.cancel",
  getOperation: "run.operations.get",
} as const;

/**
 * Runs each attempt as an execution of a Google Cloud Run Job (`@google-cloud/run` v2, an
 * optional peer dependency loaded on first use).
 *
 * `launch()` calls `JobsClient.runJob` with `containerOverrides` env (`VALIDIBOT_INPUT_URI`,
 * `VALIDIBOT_OUTPUT_URI`, `DEPLOYMENT_TARGET=gcp`, plus `env`), the attempt's timeout and one
 * task; it does not wait for the long-running operation: it reads the execution's name from the
 * operation's metadata and returns it as `executionRef`. `status()` reads the execution
 * (`ExecutionsClient.getExecution`); `cancel()` calls `cancelExecution` without waiting either.
 *
 * Transient failures (429, 5xx, UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, a dropped
 * connection) are retried with exponential backoff and jitter; other client errors are not.
 * Errors: `launcher_permission_denied` (names the missing permission and the job),
 * `launcher_job_not_found` (names the job), `launch_failed` (anything else, or retries spent).
 */
export class CloudRunJobLauncher implements Launcher {
  readonly name: string;
  private readonly options: CloudRunJobLauncherOptions;
  private readonly retry: RetryPolicy;
  private clients: Promise<CloudRunClients> | undefined;

  constructor(options: CloudRunJobLauncherOptions) {
    if (!options.project || !options.region) {
      throw new ValidibotError(
        "invalid_request",
        "CloudRunJobLauncher needs a project and a region",
      );
    }
    if (!options.jobName && !options.jobNameFor) {
      throw new ValidibotError(
        "invalid_request",
        "CloudRunJobLauncher needs jobName or jobNameFor",
      );
    }
    this.options = options;
    this.name = options.name ?? "cloud-run";
    this.retry = {
      maxRetries: options.maxRetries ?? 4,
      baseMs: options.retryBaseMs ?? 500,
      maxMs: options.retryMaxMs ?? 10_000,
    };
  }

  /** The full resource name of the job a request runs on. */
  jobResourceName(request: LaunchRequest): string {
    const job = this.options.jobNameFor ? this.options.jobNameFor(request) : this.options.jobName;
    if (!job) {
      throw new ValidibotError(
        "launch_failed",
        `no Cloud Run job is configured for validator ${request.validator.id}`,
      );
    }
    if (job.startsWith("projects/")) return job;
    return `projects/${this.options.project}/locations/${this.options.region}/jobs/${job}`;
  }

  async launch(request: LaunchRequest, _context: LaunchContext): Promise<LaunchResult> {
    const job = this.jobResourceName(request);
    const { jobs } = await this.loadClients();
    const runRequest: CloudRunRunJobRequest = {
      name: job,
      overrides: {
        containerOverrides: [{ env: this.envFor(request) }],
        timeout: { seconds: Math.ceil(request.timeoutSeconds) },
        taskCount: 1,
      },
    };
    let operation: CloudRunOperation;
    try {
      [operation] = await this.withRetries(() => jobs.runJob(runRequest));
    } catch (error) {
      throw this.toError(error, "runJob", job, `run Cloud Run job ${job}`);
    }
    const execution =
      executionNameOf(operation) ?? (await this.executionFromOperation(operation, job));
    return { executionRef: execution };
  }

  async status(executionRef: string): Promise<ExecutionStatus> {
    if (!isExecutionName(executionRef)) {
      return { state: "unknown", detail: `${executionRef} is not a Cloud Run execution name` };
    }
    const { executions } = await this.loadClients();
    try {
      const [execution] = await this.withRetries(() =>
        executions.getExecution({ name: executionRef }),
      );
      return executionStatusOf(execution);
    } catch (error) {
      const info = classifyCloudError(error);
      if (info.kind === "not_found") {
        return { state: "unknown", detail: `Cloud Run has no execution ${executionRef}` };
      }
      throw this.toError(error, "getExecution", executionRef, `read execution ${executionRef}`);
    }
  }

  async cancel(executionRef: string): Promise<void> {
    if (!isExecutionName(executionRef)) return;
    const { executions } = await this.loadClients();
    try {
      await this.withRetries(() => executions.cancelExecution({ name: executionRef }));
    } catch (error) {
      const kind = classifyCloudError(error).kind;
      // Gone, or already finished: nothing is left to stop.
      if (kind === "not_found" || kind === "precondition") return;
      throw this.toError(
        error,
        "cancelExecution",
        executionRef,
        `cancel execution ${executionRef}`,
      );
    }
  }

  /** Closes the clients this launcher created (not ones passed in). */
  async close(): Promise<void> {
    const clients = this.clients;
    this.clients = undefined;
    if (!clients) return;
    const { owned } = await clients.catch(() => ({ owned: [] }));
    await Promise.all(owned.map((client) => client.close()));
  }

  private envFor(request: LaunchRequest): { name: string; value: string }[] {
    const env = contractEnv(request, { deploymentTarget: "gcp" });
    const contractNames = new Set<string>(Object.values(CONTRACT_ENV));
    const entries = Object.entries(env);
    for (const [name, value] of Object.entries(this.options.env ?? {})) {
      if (!contractNames.has(name)) entries.push([name, value]);
    }
    return entries.map(([name, value]) => ({ name, value }));
  }

  /** When the operation came without its execution, asks for the operation until it names it. */
  private async executionFromOperation(operation: CloudRunOperation, job: string): Promise<string> {
    const opName = operation.name;
    const { jobs } = await this.loadClients();
    if (opName) {
      try {
        const name = await this.withRetries(async () => {
          const name = executionNameOf(await jobs.checkRunJobProgress(opName));
          if (name) return name;
          throw new ExecutionNotNamedYet();
        }, true);
        return name;
      } catch (error) {
        if (!(error instanceof ExecutionNotNamedYet)) {
          throw this.toError(error, "getOperation", opName, `read operation ${opName}`);
        }
      }
    }
    throw new ValidibotError(
      "launch_failed",
      `Cloud Run accepted job ${job} (operation ${opName ?? "unnamed"}) but never named its execution; it may be running untracked`,
      { details: { job, operation: opName ?? null } },
    );
  }

  private withRetries<T>(call: () => Promise<T>, retryNotNamed = false): Promise<T> {
    return withRetries(
      call,
      (error) =>
        (retryNotNamed && error instanceof ExecutionNotNamedYet) ||
        classifyCloudError(error).kind === "transient",
      this.retry,
    );
  }

  private toError(
    error: unknown,
    call: keyof typeof PERMISSION,
    resource: string,
    what: string,
  ): ValidibotError {
    if (error instanceof ValidibotError) return error;
    const info: CloudErrorInfo = classifyCloudError(error);
    const said = describeCloudError(info);
    const details = {
      resource,
      http_status: info.httpStatus ?? null,
      status: info.statusName ?? null,
    };
    if (info.kind === "permission") {
      const who = this.options.serviceAccountEmail
        ? `the service account ${this.options.serviceAccountEmail}`
        : "the host's credentials";
      const grant =
        call === "runJob"
          ? ` (role roles/run.jobsExecutorWithOverrides on the job, or roles/run.developer)`
          : "";
      const unauth = info.statusName === "UNAUTHENTICATED" || info.httpStatus === 401;
      const reason = unauth
        ? `Cloud Run did not accept ${who} (unauthenticated): check the credentials (Application Default Credentials, keyFilename)`
        : `${who} lack${this.options.serviceAccountEmail ? "s" : ""} the permission ${PERMISSION[call]}${grant}`;
      return new ValidibotError(
        "launcher_permission_denied",
        `permission denied to ${what}: ${reason}. Google said: ${said}`,
        { cause: error, details: { ...details, permission: PERMISSION[call] } },
      );
    }
    if (info.kind === "not_found" && call === "runJob") {
      return new ValidibotError(
        "launcher_job_not_found",
        `Cloud Run job ${resource} was not found: create it (gcloud run jobs create) or fix the launcher's project, region and jobName. Google said: ${said}`,
        { cause: error, details },
      );
    }
    const tries = this.retry.maxRetries + 1;
    const gaveUp =
      info.kind === "transient" ? ` (gave up after ${tries} ${tries === 1 ? "try" : "tries"})` : "";
    return new ValidibotError("launch_failed", `could not ${what}${gaveUp}: ${said}`, {
      cause: error,
      details,
    });
  }

  private loadClients(): Promise<CloudRunClients> {
    this.clients ??= createClients(this.options);
    return this.clients;
  }
}

class ExecutionNotNamedYet extends Error {}

function executionNameOf(operation: CloudRunOperation): string | undefined {
  const name = (operation.metadata as CloudRunExecution | null | undefined)?.name;
  return typeof name === "string" && name.length > 0 ? name : undefined;
}

function isExecutionName(ref: string): boolean {
  return /^projects\/[^/]+\/locations\/[^/]+\/jobs\/[^/]+\/executions\/[^/]+$/.test(ref);
}

async function createClients(options: CloudRunJobLauncherOptions): Promise<CloudRunClients> {
  const owned: { close(): Promise<void> }[] = [];
  let jobs = options.client;
  let executions = options.executionsClient;
  if (!jobs || !executions) {
    const run = await loadCloudRunModule();
    const clientOptions = options.clientOptions as ConstructorParameters<typeof run.JobsClient>[0];
    if (!jobs) {
      const client = new run.JobsClient(clientOptions);
      owned.push(client);
      jobs = client;
    }
    if (!executions) {
      const client = new run.ExecutionsClient(clientOptions);
      owned.push(client);
      executions = client;
    }
  }
  return { jobs, executions, owned };
}

async function loadCloudRunModule() {
  try {
    const run = await import("@google-cloud/run");
    return {
      JobsClient: run.JobsClient ?? run.default.JobsClient,
      ExecutionsClient: run.ExecutionsClient ?? run.default.ExecutionsClient,
    };
  } catch (error) {
    throw new ValidibotError(
      "launch_failed",
      "CloudRunJobLauncher needs the package @google-cloud/run (an optional peer dependency of @validibot/sdk): npm install @google-cloud/run",
      { cause: error },
    );
  }
}
