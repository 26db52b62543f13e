import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type AnyOutputEnvelope,
  isValidibotError,
  type ValidationMessage,
  type ValidationStatus,
} from "@validibot/contracts";
import { inSpan, runAttributes, SPAN_ATTRIBUTES } from "@validibot/sdk/telemetry";
import { AttemptStop, installSignalHandlers } from "./attempt-stop";
import type { CallbackOptions } from "./callback-sender";
import { type CallbackResult, deliverCallback } from "./deliver-callback";
import { readExistingOutput } from "./existing-output";
import { ExitCode } from "./exit-codes";
import { jobSpan } from "./job-span";
import { errorMessage, type Logger, stderrLogger } from "./log";
import { guardLogStreams } from "./log-stream-guard";
import { assembleOutputEnvelope, fallbackOutputs } from "./output-envelope";
import { identityOf } from "./output-identity";
import { uploadOutputs } from "./output-uploads";
import { DEFAULT_KILL_GRACE_MS, ProcessSupervisor } from "./process-supervisor";
import { type InputEnvelopeRead, readInputEnvelope } from "./read-input-envelope";
import { type RuntimeEnvironment, readRuntimeEnvironment } from "./runtime-env";
import { type StorageResolver, storageResolverFor } from "./storage";
import type { Validator } from "./types";
import { startWork, type WorkVerdict } from "./validator-work";

/** How long the runtime waits for `run` to return after a cancel or timeout. Default: 2 s. */
export const DEFAULT_CANCEL_GRACE_MS = 2_000;
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Options of `runValidator` and `runAttempt`; every one has a default for a real container. */
export interface RunValidatorOptions {
  /** Arguments; the first is the input URI when `VALIDIBOT_INPUT_URI` is unset. Default: `process.argv.slice(2)`. */
  args?: readonly string[];
  /** The environment read (see `RuntimeEnvironment`) and passed to children. Default: `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** The input envelope's URI, over the environment and arguments (the CLI's `try`). */
  inputUri?: string;
  /** Install SIGTERM/SIGINT handlers for the attempt's duration. Default: true. */
  handleSignals?: boolean;
  /** Aborting it cancels the attempt exactly as SIGTERM does (for embedding and tests). */
  signal?: AbortSignal;
  /** Where URIs are read and written. Default: the SDK's `storageForUri` (see `storageResolverFor`). */
  storage?: StorageResolver;
  /** Callback retries and timeout. Default: 3 tries, 1 s then 2 s apart, 30 s per request. */
  callback?: CallbackOptions;
  /** Ceiling of `input.json`. Default: 16 MiB. */
  maxInputBytes?: number;
  /** SIGTERM-to-SIGKILL grace for child processes. Default: 5 s. */
  killGraceMs?: number;
  /** How long to wait for `run` to return after a cancel or timeout. Default: 2 s. */
  cancelGraceMs?: number;
  /** Log lines (never the nonce). Default: stderr. */
  log?: Logger;
}

/** How an attempt ended, for embedders and the CLI; `exitCode` is what a container exits with. */
export interface AttemptOutcome {
  exitCode: ExitCode;
  /** The status written to `output.json`, or null when none was written. */
  status: ValidationStatus | null;
  /** The output envelope written (or replayed). */
  output: AnyOutputEnvelope | null;
  /** Where it was written: `context.expected_output_uri`. */
  outputUri: string | null;
  /** True when `output.json` existed already and only its callback was re-sent. */
  replayed: boolean;
  /** The callback: delivered, skipped, rejected or undeliverable; `not_sent` when no output was written. */
  callback: CallbackResult | "not_sent";
  /** What failed, for a non-zero exit code. */
  error: string | null;
}

function failure(exitCode: ExitCode, error: string, output?: AnyOutputEnvelope): AttemptOutcome {
  return {
    exitCode,
    status: output?.status ?? null,
    output: output ?? null,
    outputUri: output?.output_uri ?? null,
    replayed: false,
    callback: "not_sent",
    error,
  };
}

function finding(
  severity: ValidationMessage["severity"],
  code: string,
  text: string,
): ValidationMessage {
  return { severity, code, text, location: null, tags: [] };
}

class Attempt<I> {
  constructor(
    private readonly validator: Validator<I>,
    private readonly options: RunValidatorOptions,
    private readonly runtimeEnv: RuntimeEnvironment,
    private readonly stop: AttemptStop,
    private readonly resolve: StorageResolver,
    private readonly log: Logger,
  ) {}

  async run(): Promise<AttemptOutcome> {
    const inputUri = this.options.inputUri ?? this.runtimeEnv.inputUri;
    if (inputUri === null) {
      return this.fail(
        ExitCode.inputUnreadable,
        "no input envelope: set VALIDIBOT_INPUT_URI or pass the input.json URI as the first argument",
      );
    }
    let read: InputEnvelopeRead;
    try {
      read = await readInputEnvelope(inputUri, this.resolve, this.options.maxInputBytes);
    } catch (error) {
      return this.fail(
        ExitCode.inputUnreadable,
        `cannot read the input envelope: ${errorMessage(error)}`,
      );
    }
    const { envelope } = read;
    const context = envelope.context;
    if (
      this.runtimeEnv.outputUri !== null &&
      this.runtimeEnv.outputUri !== context.expected_output_uri
    ) {
      return this.fail(
        ExitCode.inputUnreadable,
        `VALIDIBOT_OUTPUT_URI (${this.runtimeEnv.outputUri}) differs from context.expected_output_uri (${context.expected_output_uri})`,
      );
    }
    this.log(
      `attempt ${context.execution_attempt_id} of run ${envelope.run_id}: ${this.validator.type} validator ${this.validator.version}`,
    );
    const replay = await this.replayIfWritten(read);
    if (replay !== null) return replay;

    let output: AnyOutputEnvelope;
    try {
      const produced = await this.produce(read);
      if ("exitCode" in produced) return produced;
      output = produced;
    } catch (error) {
      return this.fail(
        ExitCode.outputNotWritable,
        `cannot write the outputs: ${errorMessage(error)}`,
      );
    }
    try {
      const { storage: adapter, key } = await this.resolve(context.expected_output_uri);
      await adapter.put(key, `${JSON.stringify(output, null, 2)}\n`, {
        contentType: "application/json",
      });
    } catch (error) {
      if (isValidibotError(error) && error.code === "storage_already_exists") {
        this.log("output.json appeared while computing (a concurrent try): replaying it");
        return (
          (await this.replayIfWritten(read)) ??
          this.fail(ExitCode.outputConflict, "output.json vanished")
        );
      }
      return this.fail(
        ExitCode.outputNotWritable,
        `cannot write output.json: ${errorMessage(error)}`,
      );
    }
    this.log(`output.json written: ${output.status}`);
    return this.deliver(read, output, false);
  }

  private fail(exitCode: ExitCode, error: string, output?: AnyOutputEnvelope): AttemptOutcome {
    this.log(error);
    return failure(exitCode, error, output);
  }

  private async replayIfWritten(read: InputEnvelopeRead): Promise<AttemptOutcome | null> {
    const uri = read.envelope.context.expected_output_uri;
    let existing: AnyOutputEnvelope | null;
    try {
      existing = await readExistingOutput(
        uri,
        this.resolve,
        identityOf(read.envelope, read.sha256),
      );
    } catch (error) {
      const conflict = isValidibotError(error) && error.code.startsWith("output_");
      return this.fail(
        conflict ? ExitCode.outputConflict : ExitCode.outputNotWritable,
        `cannot replay the existing output.json: ${errorMessage(error)}`,
      );
    }
    if (existing === null) return null;
    this.log(`output.json already written (${existing.status}): re-sending its callback`);
    return this.deliver(read, existing, true);
  }

  private async deliver(
    read: InputEnvelopeRead,
    output: AnyOutputEnvelope,
    replayed: boolean,
  ): Promise<AttemptOutcome> {
    const sent = await deliverCallback(
      read.envelope.context,
      output,
      this.runtimeEnv,
      this.log,
      this.options.callback,
    );
    const exitCode =
      sent.result === "delivered" || sent.result === "skipped"
        ? ExitCode.ok
        : sent.result === "rejected"
          ? ExitCode.callbackRejected
          : ExitCode.callbackUndeliverable;
    return {
      exitCode,
      status: output.status,
      output,
      outputUri: output.output_uri,
      replayed,
      callback: sent.result,
      error: sent.error,
    };
  }

  /** Runs the validator and assembles the output envelope, or returns an infrastructure failure. */
  private async produce(read: InputEnvelopeRead): Promise<AnyOutputEnvelope | AttemptOutcome> {
    const { envelope } = read;
    const context = envelope.context;
    const startedAt = new Date();
    const deadline = new Date(startedAt.getTime() + context.timeout_seconds * 1000);
    const deadlineTimer = setTimeout(
      () => this.stop.stop("timeout"),
      Math.min(MAX_TIMER_MS, Math.max(0, deadline.getTime() - Date.now())),
    );
    const scratchRoot = this.runtimeEnv.scratchRoot ?? tmpdir();
    let attemptDir: string;
    try {
      await mkdir(scratchRoot, { recursive: true });
      attemptDir = await mkdtemp(join(scratchRoot, "validibot-attempt-"));
    } catch (error) {
      clearTimeout(deadlineTimer);
      return this.fail(
        ExitCode.stagingFailed,
        `cannot create a scratch folder under ${scratchRoot}: ${errorMessage(error)}`,
      );
    }
    const scratchDir = join(attemptDir, "work");
    const outputsDir = join(attemptDir, "outputs");
    const supervisor = new ProcessSupervisor({
      signal: this.stop.signal,
      deadline,
      cwd: scratchDir,
      env: this.options.env ?? process.env,
      killGraceMs: this.options.killGraceMs ?? DEFAULT_KILL_GRACE_MS,
    });
    try {
      await mkdir(scratchDir);
      await mkdir(outputsDir);
      const work = startWork({
        validator: this.validator,
        envelope,
        attemptDir,
        scratchDir,
        outputsDir,
        deadline,
        signal: this.stop.signal,
        supervisor,
        resolve: this.resolve,
        log: this.log,
      });
      let verdict: WorkVerdict | null = null;
      const finished = work.done.then((v) => {
        verdict = v;
        return v;
      });
      if (this.stop.reason === null) await Promise.race([finished, this.stop.stopped()]);
      const stoppedBy = verdict === null ? this.stop.reason : null;
      if (stoppedBy !== null) {
        this.log(
          stoppedBy === "timeout"
            ? "attempt timed out: stopping the validator"
            : "attempt cancelled: stopping the validator",
        );
        supervisor.stopAll();
        const grace = this.options.cancelGraceMs ?? DEFAULT_CANCEL_GRACE_MS;
        let graceTimer: NodeJS.Timeout | undefined;
        await Promise.race([
          finished,
          new Promise((resolve) => {
            graceTimer = setTimeout(resolve, grace);
          }),
        ]);
        clearTimeout(graceTimer);
      }
      work.seal();
      supervisor.killAll();
      const settled = verdict as WorkVerdict | null;
      if (stoppedBy === null && settled?.kind === "infrastructure") {
        return this.fail(
          ExitCode.stagingFailed,
          `cannot stage the input files: ${errorMessage(settled.error)}`,
        );
      }

      const messages = [...work.reported.messages];
      let status: ValidationStatus;
      let outputs: Record<string, unknown> | null | undefined;
      if (stoppedBy === "cancelled") {
        status = "cancelled";
        messages.push(
          finding(
            "WARNING",
            "attempt_cancelled",
            "The attempt was cancelled before the validator finished.",
          ),
        );
      } else if (stoppedBy === "timeout") {
        status = "failed_runtime";
        messages.push(
          finding(
            "ERROR",
            "validator_timeout",
            `The validator did not finish within the attempt's ${context.timeout_seconds} s timeout.`,
          ),
        );
      } else if (settled?.kind === "failed") {
        status = "failed_runtime";
        messages.push(finding("ERROR", settled.code, settled.text));
      } else {
        const ran = settled as Extract<WorkVerdict, { kind: "ran" }>;
        status =
          ran.status ??
          (messages.some((m) => m.severity === "ERROR") ? "failed_validation" : "success");
        outputs = ran.outputs;
      }

      const uploaded =
        stoppedBy === "cancelled"
          ? { artifacts: [], rawOutputs: null, skipped: [] }
          : await inSpan("upload outputs", {}, () =>
              uploadOutputs({
                bundle: context.execution_bundle_uri,
                outputsDir,
                artifacts: work.reported.artifacts,
                resolve: this.resolve,
                run_id: envelope.run_id,
                execution_attempt_id: context.execution_attempt_id,
              }),
            );
      for (const skipped of uploaded.skipped) {
        messages.push(
          finding("WARNING", "output_skipped", `An output was not uploaded: ${skipped}`),
        );
      }
      const elapsedSeconds = (Date.now() - startedAt.getTime()) / 1000;
      const parts = {
        identity: identityOf(envelope, read.sha256),
        validator: envelope.validator,
        status,
        timing: {
          queued_at: read.queuedAt,
          started_at: startedAt.toISOString(),
          finished_at: new Date().toISOString(),
        },
        messages,
        metrics: work.reported.metrics,
        artifacts: uploaded.artifacts,
        rawOutputs: uploaded.rawOutputs,
        outputs:
          outputs === undefined && status !== "success" && status !== "failed_validation"
            ? fallbackOutputs(envelope, elapsedSeconds)
            : outputs,
      };
      try {
        return assembleOutputEnvelope(parts);
      } catch (error) {
        this.log(errorMessage(error));
        return assembleOutputEnvelope({
          ...parts,
          status: "failed_runtime",
          messages: [
            ...messages,
            finding(
              "ERROR",
              "output_malformed",
              `The validator's results could not be reported: ${errorMessage(error)}`,
            ),
          ],
          outputs: fallbackOutputs(envelope, elapsedSeconds),
        });
      }
    } finally {
      clearTimeout(deadlineTimer);
      supervisor.killAll();
      await rm(attemptDir, { recursive: true, force: true }).catch(() => {});
    }
  }
}

/**
 * Runs one attempt of a validator, start to end, and tells how it went: reads the input envelope,
 * replays an `output.json` already written, otherwise stages and verifies the files, calls the
 * validator, uploads its outputs, writes `output.json` create-only, and posts the callback.
 */
export async function runAttempt<I>(
  validator: Validator<I>,
  options: RunValidatorOptions = {},
): Promise<AttemptOutcome> {
  guardLogStreams();
  const log = options.log ?? stderrLogger;
  const runtimeEnv = readRuntimeEnvironment(
    options.env ?? process.env,
    options.args ?? process.argv.slice(2),
  );
  const stop = new AttemptStop();
  const onAbort = () => stop.stop("cancelled");
  if (options.signal?.aborted) onAbort();
  options.signal?.addEventListener("abort", onAbort, { once: true });
  const uninstall =
    options.handleSignals === false
      ? () => {}
      : installSignalHandlers((signal) => {
          log(`received ${signal}: cancelling the attempt`);
          stop.stop("cancelled");
        });
  try {
    const attempt = new Attempt(
      validator,
      options,
      runtimeEnv,
      stop,
      options.storage ?? storageResolverFor({ gcsApiEndpoint: runtimeEnv.gcsApiEndpoint }),
      log,
    );
    return await jobSpan(runtimeEnv, validator, async (span) => {
      const outcome = await attempt.run();
      span.setAttributes({
        [SPAN_ATTRIBUTES.status]: outcome.status ?? "none",
        "validibot.exit_code": outcome.exitCode,
        ...(outcome.output
          ? runAttributes({
              id: outcome.output.run_id,
              attemptId: outcome.output.execution_attempt_id,
            })
          : {}),
      });
      return outcome;
    });
  } catch (error) {
    const message = `internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
    log(message);
    return failure(ExitCode.internal, message);
  } finally {
    uninstall();
    options.signal?.removeEventListener("abort", onAbort);
  }
}

/**
 * The whole `main()` of a validator container: runs one attempt (see `runAttempt`) and returns
 * the exit code (see `ExitCode`): 0 once `output.json` is written and the callback delivered or
 * skipped; non-zero when the infrastructure failed, so Cloud Run's retry can help.
 *
 * ```ts
 * process.exitCode = await runValidator(myValidator);
 * ```
 */
export async function runValidator<I>(
  validator: Validator<I>,
  options: RunValidatorOptions = {},
): Promise<ExitCode> {
  return (await runAttempt(validator, options)).exitCode;
}
