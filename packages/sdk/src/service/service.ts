import type { Readable } from "node:stream";
import {
  type Finding,
  type Run,
  type ValidationCallback,
  ValidibotError,
} from "@validibot/contracts";
import type { LaunchContext } from "../launchers/types";
import type { ArtifactRecord, FindingRecord, MetricRecord, RunRecord } from "../model";
import type { ListRunsOptions, RunListPage } from "../store/types";
import { runAttributes, SPAN_ATTRIBUTES } from "../telemetry/attributes";
import { inSpan } from "../telemetry/spans";
import type { ValidatorDefinition } from "../validators";
import {
  acceptInProcessCallback,
  type CallbackRequest,
  type CallbackResponse,
  handleCallbackRequest,
} from "./callback";
import { cancelRun } from "./cancel";
import { type ServiceDeps, singleLauncher } from "./deps";
import { ServiceEvents } from "./events";
import { silentLogger } from "./logger";
import type { ValidationServiceOptions } from "./options";
import { type ReconcileSummary, reconcileRuns } from "./reconcile";
import type { SubmitRequest } from "./request";
import { submitRun } from "./submit";
import { runView } from "./views";
import { type WaitForRunOptions, waitForRun } from "./wait";

/**
 * The one object a host uses: submit runs, read them, take callbacks, wait, cancel, reconcile.
 * Create it with `createValidationService`. Several instances may share one store (and storage):
 * every state change is a store transaction, so they cooperate without a process-local lock.
 */
export class ValidationService {
  /** Lifecycle events: `run.created`, `run.started`, `run.succeeded`, `run.failed`, ... */
  readonly events = new ServiceEvents();
  readonly #deps: ServiceDeps;
  readonly #closing = new AbortController();
  readonly #launchContext: LaunchContext;

  /** Use `createValidationService`, which also prepares the store. */
  constructor(options: ValidationServiceOptions) {
    const launchers =
      "launch" in options.launcher ? singleLauncher(options.launcher) : options.launcher;
    const validators = new Map<string, ValidatorDefinition>();
    for (const validator of options.validators) {
      if (validators.has(validator.id))
        throw new Error(`two validators have the id ${validator.id}`);
      validators.set(validator.id, validator);
    }
    this.#deps = {
      store: options.store,
      storage: options.storage,
      launchers,
      validators,
      callbackUrl: options.callbacks.url === null ? null : new URL(options.callbacks.url).href,
      authenticator: options.callbacks.authenticator,
      defaultOrg: options.defaultOrg ?? { id: "default", name: "Default" },
      defaultTimeoutSeconds: options.defaultTimeoutSeconds ?? 3600,
      deadlineGraceSeconds: options.deadlineGraceSeconds ?? 120,
      maxFileBytes: options.maxFileBytes ?? 1024 ** 3,
      maxOutputBytes: options.maxOutputBytes ?? 64 * 1024 ** 2,
      outputReadTimeoutMs: options.outputReadTimeoutMs ?? 30_000,
      claimStaleAfterMs: options.claimStaleAfterMs ?? 5 * 60_000,
      pollIntervalMs: options.pollIntervalMs ?? 250,
      reconcileBatchSize: options.reconcileBatchSize ?? 100,
      reconcileLeaseSeconds: options.reconcileLeaseSeconds ?? 300,
      logger: options.logger ?? silentLogger,
      events: this.events,
      now: options.now ?? (() => new Date()),
      signal: this.#closing.signal,
    };
    this.#launchContext = {
      storage: this.#deps.storage,
      signal: this.#closing.signal,
      deliverCallback: (body: ValidationCallback, trace) =>
        acceptInProcessCallback(this.#deps, body, trace),
    };
  }

  /** The validators this service offers. */
  get validators(): ValidatorDefinition[] {
    return [...this.#deps.validators.values()];
  }

  /**
   * Submits files and inputs to a validator and launches the first attempt. Request errors
   * (`validator_unknown`, `inputs_invalid`, `file_*`) throw before anything is stored; once the
   * run exists, storage and launch failures end it `FAILED` / `SYSTEM_ERROR` and it is returned.
   */
  submit(request: SubmitRequest): Promise<RunRecord> {
    return inSpan(
      "submit",
      { [SPAN_ATTRIBUTES.validatorId]: request.validatorId },
      async (span) => {
        const run = await submitRun(this.#deps, request, this.#launchContext, span);
        span.setAttributes({
          ...runAttributes({ ...run, attemptId: run.current_attempt_id }),
          [SPAN_ATTRIBUTES.status]: run.status,
        });
        if (run.error_category) span.setAttribute(SPAN_ATTRIBUTES.errorCode, run.error_category);
        return run;
      },
    );
  }

  /** A run, or null. */
  getRun(id: string): Promise<RunRecord | null> {
    return this.#deps.store.getRun(id);
  }

  /** A run as the runs API shows it (counts, metrics, artifacts), or null. */
  async getRunView(id: string): Promise<Run | null> {
    const run = await this.#deps.store.getRun(id);
    return run ? runView(this.#deps.store, run) : null;
  }

  /** Runs newest first, filtered by status, paged by cursor. */
  listRuns(options?: ListRunsOptions): Promise<RunListPage> {
    return this.#deps.store.listRuns(options);
  }

  /** A run's findings in the order the validator reported them; `run_not_found` when absent. */
  async listFindings(runId: string): Promise<Finding[]> {
    await this.#requireRun(runId);
    const records: FindingRecord[] = await this.#deps.store.listFindings(runId);
    return records.map(({ id, severity, code, message, location, tags }) => ({
      id,
      severity,
      code,
      message,
      location,
      tags,
    }));
  }

  /** A run's metrics; `run_not_found` when absent. */
  async listMetrics(runId: string): Promise<MetricRecord[]> {
    await this.#requireRun(runId);
    return this.#deps.store.listMetrics(runId);
  }

  /** A run's artifacts; `run_not_found` when absent. */
  async listArtifacts(runId: string): Promise<ArtifactRecord[]> {
    await this.#requireRun(runId);
    return this.#deps.store.listArtifacts(runId);
  }

  /**
   * Opens an artifact's bytes as a stream, checked to stay within its recorded size.
   * `run_not_found` / `artifact_not_found`.
   */
  async openArtifact(
    runId: string,
    name: string,
  ): Promise<{ artifact: ArtifactRecord; stream: Readable }> {
    const artifact = (await this.listArtifacts(runId)).find((a) => a.name === name);
    if (!artifact)
      throw new ValidibotError("artifact_not_found", `run ${runId} has no artifact ${name}`);
    const stream = await this.#deps.storage.get(this.#deps.storage.keyFor(artifact.uri), {
      maxBytes: artifact.size_bytes,
    });
    return { artifact, stream };
  }

  /** Handles a callback request (framework-free); never throws. */
  handleCallback(request: CallbackRequest): Promise<CallbackResponse> {
    return handleCallbackRequest(this.#deps, request);
  }

  /** Settles with the run once it has ended, wherever it ended. */
  waitForRun(id: string, options?: WaitForRunOptions): Promise<RunRecord> {
    return waitForRun(this.#deps, id, options);
  }

  /** Cancels a run that has not ended. */
  cancel(id: string): Promise<RunRecord> {
    return cancelRun(this.#deps, id);
  }

  /** Ends overdue runs whose callback never came (see `reconcileRuns`). */
  reconcile(): Promise<ReconcileSummary> {
    return inSpan("reconcile", {}, async (span) => {
      const summary = await reconcileRuns(this.#deps);
      span.setAttributes({
        "validibot.reconcile.examined": summary.examined,
        "validibot.reconcile.recovered": summary.recovered,
        "validibot.reconcile.timed_out": summary.timedOut,
        "validibot.reconcile.failed": summary.failed,
      });
      this.#deps.events.emit("reconcile.finished", summary);
      return summary;
    });
  }

  /** Stops waiting calls, closes the launchers and the store. */
  async close(): Promise<void> {
    if (this.#closing.signal.aborted) return;
    this.#closing.abort();
    await this.#deps.launchers.close?.();
    await this.#deps.store.close();
  }

  async #requireRun(runId: string): Promise<RunRecord> {
    const run = await this.#deps.store.getRun(runId);
    if (!run) throw new ValidibotError("run_not_found", `no run ${runId}`);
    return run;
  }
}

/** Creates a validation service and prepares its store (migrations). */
export async function createValidationService(
  options: ValidationServiceOptions,
): Promise<ValidationService> {
  await options.store.init();
  return new ValidationService(options);
}
