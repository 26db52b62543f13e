import { randomBytes, randomUUID } from "node:crypto";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A loopback fake of the Cloud Run Admin API v2, enough for the real `@google-cloud/run` clients
 * on their REST transport: run a job (`POST .../jobs/*:run`, answering a long-running Operation
 * whose metadata is the new Execution), read an operation, read an execution, cancel an
 * execution. Every request is recorded with its parsed JSON body so tests can assert exact
 * request shapes; failures can be scripted per route. Errors are Google's JSON error body
 * `{ error: { code, message, status } }`.
 */
export interface FakeCloudRunServer {
  /** The port on 127.0.0.1, for the client's `port`. */
  port: number;
  /** Every request, in order. */
  requests: FakeCloudRunRequest[];
  /** Executions by full name; tests may change them to script states. */
  executions: Map<string, FakeExecution>;
  /** Answers the next requests of `route` with these failures, one each, before serving normally. */
  failNext(route: FakeCloudRunRoute, ...failures: FakeFailure[]): void;
  /** Whether `:run` leaves the execution's name out of the operation metadata (it is still in `GET operation`). */
  omitExecutionNameOnRun: boolean;
  /** Stops the server and drops its connections. */
  close(): Promise<void>;
}

/** The routes the fake serves. */
export type FakeCloudRunRoute = "runJob" | "getOperation" | "getExecution" | "cancelExecution";

/** A scripted error answer. */
export interface FakeFailure {
  httpStatus: number;
  /** The canonical status name, e.g. `UNAVAILABLE`, `PERMISSION_DENIED`. */
  status: string;
  message?: string;
}

/** A request as the fake received it. */
export interface FakeCloudRunRequest {
  route: FakeCloudRunRoute | "unknown";
  method: string;
  /** The path without the query string. */
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  /** The JSON body, or null for none. */
  body: unknown;
}

/** An execution as the fake keeps it: the Cloud Run v2 JSON representation. */
export type FakeExecution = Record<string, unknown> & { name: string };

const JOB_RUN = /^\/v2\/(projects\/[^/]+\/locations\/[^/]+\/jobs\/([^/:]+)):run$/;
const OPERATION = /^\/v2\/(projects\/[^/]+\/locations\/[^/]+\/operations\/[^/]+)$/;
const EXECUTION = /^\/v2\/(projects\/[^/]+\/locations\/[^/]+\/jobs\/[^/]+\/executions\/[^/:]+)$/;
const EXECUTION_CANCEL =
  /^\/v2\/(projects\/[^/]+\/locations\/[^/]+\/jobs\/[^/]+\/executions\/[^/:]+):cancel$/;

const EXECUTION_TYPE = "type.googleapis.com/google.cloud.run.v2.Execution";

/**
 * Starts the fake on 127.0.0.1 (port 0). Jobs in `jobs` (full names
 * `projects/P/locations/R/jobs/J`) exist; running any other answers 404 NOT_FOUND, as Cloud Run does.
 */
export async function startFakeCloudRunServer(options: {
  jobs: string[];
}): Promise<FakeCloudRunServer> {
  const jobs = new Set(options.jobs);
  const requests: FakeCloudRunRequest[] = [];
  const executions = new Map<string, FakeExecution>();
  const operations = new Map<string, Record<string, unknown>>();
  const failures = new Map<FakeCloudRunRoute, FakeFailure[]>();

  const operationFor = (execution: FakeExecution, location: string) => {
    const name = `${location}/operations/${randomUUID()}`;
    const operation = { name, done: false, metadata: { "@type": EXECUTION_TYPE, ...execution } };
    operations.set(name, operation);
    return operation;
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const path = decodeURIComponent(url.pathname);
      const text = Buffer.concat(chunks).toString("utf8");
      const method = req.method ?? "GET";
      const route: FakeCloudRunRoute | "unknown" =
        method === "POST" && JOB_RUN.test(path)
          ? "runJob"
          : method === "GET" && OPERATION.test(path)
            ? "getOperation"
            : method === "GET" && EXECUTION.test(path)
              ? "getExecution"
              : method === "POST" && EXECUTION_CANCEL.test(path)
                ? "cancelExecution"
                : "unknown";
      requests.push({
        route,
        method,
        path,
        query: Object.fromEntries(url.searchParams),
        headers: req.headers,
        body: text ? JSON.parse(text) : null,
      });
      const reply = (status: number, body: unknown) => {
        res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
      };
      const error = (httpStatus: number, status: string, message: string) =>
        reply(httpStatus, { error: { code: httpStatus, message, status } });

      if (route === "unknown") return error(404, "NOT_FOUND", `no route ${method} ${path}`);
      const scripted = failures.get(route)?.shift();
      if (scripted) {
        return error(
          scripted.httpStatus,
          scripted.status,
          scripted.message ?? `scripted ${scripted.status}`,
        );
      }
      if (route === "runJob") {
        const [, job = "", jobId = ""] = JOB_RUN.exec(path) ?? [];
        if (!jobs.has(job))
          return error(404, "NOT_FOUND", `Resource '${jobId}' of kind 'JOB' was not found.`);
        const location = job.slice(0, job.indexOf("/jobs/"));
        const execution: FakeExecution = {
          name: `${job}/executions/${jobId}-${randomBytes(3).toString("hex")}`,
          job: jobId,
          createTime: new Date().toISOString(),
          taskCount: 1,
          parallelism: 1,
          conditions: [{ type: "Completed", state: "CONDITION_PENDING" }],
        };
        executions.set(execution.name, execution);
        const operation = operationFor(execution, location);
        if (fake.omitExecutionNameOnRun) {
          const { name: _omitted, ...metadata } = operation.metadata;
          return reply(200, { ...operation, metadata });
        }
        return reply(200, operation);
      }
      if (route === "getOperation") {
        const [, name = ""] = OPERATION.exec(path) ?? [];
        const operation = operations.get(name);
        return operation ? reply(200, operation) : error(404, "NOT_FOUND", `no operation ${name}`);
      }
      const [, name = ""] =
        (route === "getExecution" ? EXECUTION : EXECUTION_CANCEL).exec(path) ?? [];
      const execution = executions.get(name);
      if (!execution) return error(404, "NOT_FOUND", `Resource '${name}' was not found.`);
      if (route === "getExecution") return reply(200, execution);
      if (execution.completionTime) {
        return error(400, "FAILED_PRECONDITION", `Execution ${name} has already completed.`);
      }
      Object.assign(execution, {
        runningCount: 0,
        cancelledCount: 1,
        completionTime: new Date().toISOString(),
        conditions: [
          {
            type: "Completed",
            state: "CONDITION_FAILED",
            executionReason: "CANCELLED",
            message: "The execution was cancelled.",
          },
        ],
      });
      return reply(200, operationFor(execution, name.slice(0, name.indexOf("/jobs/"))));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const fake: FakeCloudRunServer = {
    port: (server.address() as AddressInfo).port,
    requests,
    executions,
    omitExecutionNameOnRun: false,
    failNext(route, ...list) {
      failures.set(route, [...(failures.get(route) ?? []), ...list]);
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return fake;
}
