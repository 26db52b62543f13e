import {
  ATTEMPT_CONTRACT_VERSION,
  inputEnvelopeSha256,
  isValidibotError,
  outputEnvelopeSchemaFor,
  type ValidationStatus,
  ValidibotError,
} from "@validibot/contracts";
import { type TraceCarrier, traceEnv } from "../telemetry/trace-context";
import { type MockResult, mockResult } from "./mock-results";
import type {
  ExecutionStatus,
  LaunchContext,
  Launcher,
  LaunchRequest,
  LaunchResult,
} from "./types";

/** How a mock execution hands its callback to the host. */
export type MockDelivery =
  /** Straight into the service, through every check but authentication. */
  | "in-process"
  /** A real HTTP POST to the envelope's `callback_url` with `Authorization: Worker-Key`. */
  | { http: { workerKey: string; timeoutMs?: number; tries?: number } };

/** Options of `MockLauncher`. */
export interface MockLauncherOptions {
  /** Time between launch and callback. Default: 200 ms. */
  delayMs?: number;
  /** Seed of the deterministic results. Default: `validibot-mock`. */
  seed?: string;
  /** Share of runs that fail validation, 0 to 1. Default: 1/3. */
  failRate?: number;
  /** Default: `in-process`. */
  delivery?: MockDelivery;
  /** Overrides the drawn status for a request (e.g. to force a failure in a test). */
  outcome?: (request: LaunchRequest) => ValidationStatus | undefined;
  /** Default: `mock`. */
  name?: string;
}

interface MockExecution {
  state: ExecutionStatus["state"];
  detail?: string;
  timer: NodeJS.Timeout | null;
}

/**
 * Mock mode: runs nothing. After `delayMs` it writes a realistic `output.json` into the bundle
 * and delivers the callback through the same path a real validator's takes, so hosts, UIs and
 * tests see the whole loop without any validator installed.
 */
export class MockLauncher implements Launcher {
  readonly name: string;
  readonly #options: Required<Omit<MockLauncherOptions, "outcome" | "name">> &
    Pick<MockLauncherOptions, "outcome">;
  readonly #executions = new Map<string, MockExecution>();

  constructor(options: MockLauncherOptions = {}) {
    this.name = options.name ?? "mock";
    this.#options = {
      delayMs: options.delayMs ?? 200,
      seed: options.seed ?? "validibot-mock",
      failRate: options.failRate ?? 1 / 3,
      delivery: options.delivery ?? "in-process",
      outcome: options.outcome,
    };
  }

  async launch(request: LaunchRequest, context: LaunchContext): Promise<LaunchResult> {
    const executionRef = `mock-${request.attempt.id}`;
    const execution: MockExecution = { state: "running", timer: null };
    this.#executions.set(executionRef, execution);
    execution.timer = setTimeout(() => {
      execution.timer = null;
      this.#complete(request, context, execution).then(
        () => {
          if (execution.state === "running") execution.state = "succeeded";
        },
        (error: unknown) => {
          if (execution.state !== "running") return;
          execution.state = "failed";
          execution.detail = error instanceof Error ? error.message : String(error);
        },
      );
    }, this.#options.delayMs);
    return { executionRef };
  }

  async status(executionRef: string): Promise<ExecutionStatus> {
    const execution = this.#executions.get(executionRef);
    if (!execution) return { state: "unknown", detail: "not launched by this process" };
    return { state: execution.state, ...(execution.detail ? { detail: execution.detail } : {}) };
  }

  async cancel(executionRef: string): Promise<void> {
    const execution = this.#executions.get(executionRef);
    if (!execution || execution.state !== "running") return;
    if (execution.timer) clearTimeout(execution.timer);
    execution.timer = null;
    execution.state = "cancelled";
  }

  async close(): Promise<void> {
    for (const ref of this.#executions.keys()) await this.cancel(ref);
  }

  async #complete(
    request: LaunchRequest,
    context: LaunchContext,
    execution: MockExecution,
  ): Promise<void> {
    if (execution.state !== "running" || context.signal.aborted) return;
    const inputSha256 = inputEnvelopeSha256(request.envelope);
    const result: MockResult = mockResult(
      request,
      this.#options.seed,
      inputSha256,
      this.#options.failRate,
    );
    const status = this.#options.outcome?.(request) ?? result.status;
    const now = new Date().toISOString();
    const output = outputEnvelopeSchemaFor(request.validator.type).parse({
      run_id: request.run.id,
      step_run_id: request.envelope.context.step_run_id,
      execution_attempt_id: request.attempt.id,
      attempt_contract_version: ATTEMPT_CONTRACT_VERSION,
      input_envelope_sha256: inputSha256,
      output_uri: request.outputUri,
      validator: request.envelope.validator,
      status,
      timing: { queued_at: request.attempt.created_at, started_at: now, finished_at: now },
      messages: result.messages,
      metrics: result.metrics,
      outputs: result.outputs,
    });
    const outputKey = context.storage.keyFor(request.outputUri);
    try {
      await context.storage.put(outputKey, JSON.stringify(output), {
        contentType: "application/json",
      });
    } catch (error) {
      // A replayed launch finds its output already written: deliver that one.
      if (!isValidibotError(error) || error.code !== "storage_already_exists") throw error;
    }
    const ctx = request.envelope.context;
    if (ctx.skip_callback || !ctx.callback_url || !ctx.callback_id || !ctx.callback_nonce) return;
    const body = {
      run_id: request.run.id,
      callback_id: ctx.callback_id,
      callback_nonce: ctx.callback_nonce,
      status,
      result_uri: request.outputUri,
    };
    const delivery = this.#options.delivery;
    if (delivery === "in-process") {
      await context.deliverCallback(body, request.traceContext);
      return;
    }
    await postCallback(ctx.callback_url, body, delivery.http, request.traceContext);
  }
}

async function postCallback(
  url: string,
  body: unknown,
  options: { workerKey: string; timeoutMs?: number; tries?: number },
  trace: TraceCarrier | undefined,
): Promise<void> {
  // The mock stands in for the job: its callback carries the launch's trace context.
  const traceHeaders = Object.fromEntries(
    Object.entries(traceEnv(trace)).map(([name, value]) => [name.toLowerCase(), value]),
  );
  const tries = options.tries ?? 3;
  let lastError = "";
  for (let attempt = 1; attempt <= tries; attempt += 1) {
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          authorization: `Worker-Key ${options.workerKey}`,
          ...traceHeaders,
        },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
      });
      if (response.ok) return;
      lastError = `HTTP ${response.status}: ${await response.text()}`;
      if (response.status < 500 && response.status !== 409) break;
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
  }
  throw new ValidibotError(
    "callback_delivery_failed",
    `mock callback to ${url} failed: ${lastError}`,
  );
}
