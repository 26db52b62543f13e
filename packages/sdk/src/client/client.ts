import type { Readable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { type InitClientReturn, initClient } from "@ts-rest/core";
import {
  type Finding,
  isTerminalRunStatus,
  type ListRunsQuery,
  type Run,
  type RunPage,
  runsContract,
  type ValidatorDescriptor,
  ValidibotError,
} from "@validibot/contracts";
import type { Dispatcher } from "undici";
import { transportFetcher } from "./fetcher";
import { multipartFileOf, type SubmitRunFile } from "./file-sources";
import { multipartBody } from "./multipart";
import { errorFromResponse } from "./response-error";
import { Transport } from "./transport";

/** Options of `createValidibotClient`. */
export interface ValidibotClientOptions {
  /** The server's origin, e.g. `http://127.0.0.1:8000` (the routes add `/api/v1/...`). */
  baseUrl: string;
  /** How long a call waits for an answer (while streaming: between chunks). Default: 30 000 ms. */
  timeoutMs?: number;
  /**
   * Retries of an idempotent call (GET, cancel) after a network error or a 502/503/504, with
   * backoff. Submissions are never retried: a retry could create a second run. Default: 2.
   */
  retries?: number;
  /**
   * The API token of the runs API, sent as `Authorization: Bearer <token>` with every request
   * (the reference server refuses requests without one). Default: none.
   */
  token?: string;
  /**
   * Headers sent with every request (e.g. a gateway's). An `authorization` here wins over
   * `token`. Default: none.
   */
  headers?: Record<string, string>;
  /** The undici dispatcher to send through. Default: undici's global dispatcher. */
  dispatcher?: Dispatcher;
}

/** What `submitRun` sends: a validator, its inputs, and one file per port key. */
export interface SubmitRunRequest {
  /** The validator id (see `listValidators`). */
  validator: string;
  /** The run's inputs, sent as the JSON `inputs` field. Default: `{}`. */
  inputs?: Record<string, unknown>;
  /** The files, each streamed from `data` or `path`. */
  files?: SubmitRunFile[];
  signal?: AbortSignal;
}

/** Options of `waitForRun`. */
export interface ClientWaitOptions {
  /** How long to wait for the run to end before `wait_timeout`. Default: 600 000 ms. */
  timeoutMs?: number;
  /** Time between two polls. Default: 1000 ms. */
  intervalMs?: number;
  signal?: AbortSignal;
}

/** The raw ts-rest client of `runsContract`: every route, answers as `{ status, body, headers }`. */
export type RunsApi = InitClientReturn<typeof runsContract, { baseUrl: string }>;

/** A client of a Validibot server's runs API. Its methods throw `ValidibotError` on any error answer. */
export interface ValidibotClient {
  /**
   * The ts-rest client, for callers that want every status as a value instead of a throw. Its
   * `createRun` takes a ready `FormData` (ts-rest would JSON-encode the values of a plain object);
   * `submitRun` is the streaming way to submit.
   */
  readonly api: RunsApi;
  /** The validators the server offers. */
  listValidators(): Promise<ValidatorDescriptor[]>;
  /** Submits files and inputs (a multipart upload, files streamed) and returns the new run. Never retried. */
  submitRun(request: SubmitRunRequest): Promise<Run>;
  /** One run; `run_not_found`. */
  getRun(id: string): Promise<Run>;
  /** A page of runs, newest first; pass `next_cursor` back as `cursor`. */
  listRuns(query?: Partial<ListRunsQuery>): Promise<RunPage>;
  /** Cancels a run that has not ended; `run_not_cancellable` for one that has. */
  cancelRun(id: string): Promise<Run>;
  /** A run's findings, in the validator's order. */
  listFindings(id: string): Promise<Finding[]>;
  /** Polls the run until it is terminal; `wait_timeout` when `timeoutMs` passes first. */
  waitForRun(id: string, options?: ClientWaitOptions): Promise<Run>;
  /** An artifact's bytes as a stream (not buffered); `run_not_found`, `artifact_not_found`. */
  downloadArtifact(id: string, name: string): Promise<Readable>;
}

function ok<T>(response: { status: number; body: unknown }, expected: number): T {
  if (response.status !== expected) throw errorFromResponse(response.status, response.body);
  return response.body as T;
}

/**
 * A typed client of a Validibot server (`runsContract` via ts-rest `initClient`) over undici,
 * with timeouts, retries of idempotent calls, streamed uploads and downloads, and errors as
 * `ValidibotError` (the server's `code` and `message`; `server_unreachable` when no answer came,
 * `unexpected_response` when the answer was not the contract's).
 */
export function createValidibotClient(options: ValidibotClientOptions): ValidibotClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, "");
  const transport = new Transport({
    timeoutMs: options.timeoutMs ?? 30_000,
    retries: options.retries ?? 2,
    headers: {
      ...(options.token === undefined ||
      Object.keys(options.headers ?? {}).some((name) => name.toLowerCase() === "authorization")
        ? {}
        : { authorization: `Bearer ${options.token}` }),
      ...options.headers,
    },
    dispatcher: options.dispatcher,
  });
  const api = initClient(runsContract, { baseUrl, api: transportFetcher(transport) });
  const id = (value: string) => ({ id: encodeURIComponent(value) });

  const client: ValidibotClient = {
    api,
    async listValidators() {
      return ok<{ items: ValidatorDescriptor[] }>(await api.listValidators(), 200).items;
    },
    async submitRun(request) {
      const parts = await Promise.all((request.files ?? []).map(multipartFileOf));
      const fields = [
        { name: "validator", value: request.validator },
        { name: "inputs", value: JSON.stringify(request.inputs ?? {}) },
      ];
      const { contentType, body } = multipartBody(fields, parts);
      const response = await transport.send({
        method: "POST",
        url: `${baseUrl}${runsContract.createRun.path}`,
        headers: { "content-type": contentType },
        body,
        idempotent: false,
        signal: request.signal,
      });
      return ok<Run>(response, 201);
    },
    async getRun(runId) {
      return ok<Run>(await api.getRun({ params: id(runId) }), 200);
    },
    async listRuns(query = {}) {
      return ok<RunPage>(await api.listRuns({ query: query as ListRunsQuery }), 200);
    },
    async cancelRun(runId) {
      return ok<Run>(await api.cancelRun({ params: id(runId) }), 200);
    },
    async listFindings(runId) {
      return ok<{ items: Finding[] }>(await api.listFindings({ params: id(runId) }), 200).items;
    },
    async waitForRun(runId, waitOptions = {}) {
      const timeoutMs = waitOptions.timeoutMs ?? 600_000;
      const intervalMs = waitOptions.intervalMs ?? 1000;
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        waitOptions.signal?.throwIfAborted();
        const run = await client.getRun(runId);
        if (isTerminalRunStatus(run.status)) return run;
        const left = deadline - Date.now();
        if (left <= 0) {
          throw new ValidibotError(
            "wait_timeout",
            `run ${runId} is still ${run.status} after ${timeoutMs} ms`,
            {
              details: { run_id: runId, status: run.status },
            },
          );
        }
        await sleep(Math.min(intervalMs, left), undefined, { signal: waitOptions.signal });
      }
    },
    async downloadArtifact(runId, name) {
      const response = await api.downloadArtifact({
        params: { id: encodeURIComponent(runId), name: encodeURIComponent(name) },
      });
      return ok<Readable>(response, 200);
    },
  };
  return client;
}
