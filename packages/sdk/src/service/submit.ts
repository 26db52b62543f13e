import type { Span } from "@opentelemetry/api";
import {
  callbackNonceCommitment,
  inputEnvelopeSha256,
  isValidibotError,
  ValidibotError,
} from "@validibot/contracts";
import type { LaunchContext } from "../launchers/types";
import type { AttemptRecord, RunRecord } from "../model";
import type { StoredObject } from "../storage/types";
import { traceIdOf } from "../telemetry/trace-context";
import { inputStage, rulesetsForSubmit } from "./assertions-step";
import { bundlePrefix } from "./bundle";
import { type CheckedFile, checkFiles, checkInputs, FileChecker } from "./check-request";
import { iso, isoPlus, type ServiceDeps } from "./deps";
import { buildInputEnvelope } from "./envelope";
import { emitFinished } from "./events";
import { newCallbackId, newCallbackNonce, newId } from "./ids";
import { launchAttempt } from "./launch";
import type { SubmitFile, SubmitRequest } from "./request";
import { endRun, messageOf, OPEN_STATUSES } from "./transitions";

/** Errors of the submission itself (its files), as opposed to the system's. */
const CLIENT_FILE_ERRORS = new Set([
  "storage_size_exceeded",
  "file_type_unsupported",
  "file_unsafe_name",
  "file_unexpected",
  "file_missing",
  "invalid_request",
  "payload_too_large",
]);

/**
 * The files of a streamed request, checked as they come; the first one is pulled and checked
 * before this resolves, so a first file the request got wrong (a hostile name, an unknown port),
 * or no file for a required port, is refused before any run exists. Later files are checked as
 * the stream reaches them, once the run exists.
 */
async function checkFirstStreamed(
  checker: FileChecker,
  files: AsyncIterable<SubmitFile>,
): Promise<AsyncIterable<CheckedFile>> {
  const iterator = files[Symbol.asyncIterator]();
  const first = await iterator.next();
  let checked: CheckedFile | null = null;
  try {
    if (first.done) checker.finish();
    else checked = checker.check(first.value);
  } catch (error) {
    void iterator.return?.()?.catch(() => {});
    throw error;
  }
  return (async function* () {
    if (checked === null) return;
    yield checked;
    for (;;) {
      const next = await iterator.next();
      if (next.done) break;
      yield checker.check(next.value);
    }
    checker.finish();
  })();
}

/**
 * Submits a run: checks the request, creates the run and its attempt, writes the files and
 * `input.json` create-only, launches. Request errors throw before anything is stored. Once the
 * run exists it is never lost: a file the submission got wrong (too large, or for streamed files
 * any file error found after the run was created) ends it `FAILED` / `VALIDATION_FAILED` and throws; a storage or launch failure ends it `FAILED` / `SYSTEM_ERROR`
 * and returns it.
 */
export async function submitRun(
  deps: ServiceDeps,
  request: SubmitRequest,
  launchContext: LaunchContext,
  /** The `submit` span, whose trace id the run keeps. Default: none (not traced). */
  span?: Span,
): Promise<RunRecord> {
  const validator = deps.validators.get(request.validatorId);
  if (!validator) {
    throw new ValidibotError(
      "validator_unknown",
      `no validator ${JSON.stringify(request.validatorId)}`,
    );
  }
  const inputs = checkInputs(validator, request.inputs);
  const rulesets = rulesetsForSubmit(validator, request.ruleset);
  const files =
    request.files === undefined || Array.isArray(request.files)
      ? checkFiles(validator, request.files ?? [])
      : await checkFirstStreamed(new FileChecker(validator), request.files);
  const org = request.org ?? deps.defaultOrg;
  const runId = newId();
  const attemptId = newId();
  const prefix = bundlePrefix({ orgId: org.id, runId, attemptId });
  const timeoutSeconds = validator.timeout_seconds ?? deps.defaultTimeoutSeconds;
  const nonce = newCallbackNonce();
  const callbackId = newCallbackId();
  const inputUri = deps.storage.uriFor(`${prefix}input.json`);
  const outputUri = deps.storage.uriFor(`${prefix}output.json`);
  const bundleUri = inputUri.slice(0, inputUri.length - "input.json".length);
  const now = deps.now();

  const run: RunRecord = {
    id: runId,
    org_id: org.id,
    org_name: org.name,
    workflow_id: request.workflow?.id ?? "default",
    step_id: request.workflow?.step_id ?? validator.id,
    step_name: request.workflow?.step_name ?? null,
    step_run_id: newId(),
    validator_id: validator.id,
    validator_type: validator.type,
    validator_version: validator.version,
    status: "PENDING",
    error_category: null,
    error_message: null,
    result_status: null,
    inputs,
    files: [],
    tags: request.tags ?? [],
    current_attempt_id: attemptId,
    attempt_count: 1,
    created_at: iso(now),
    updated_at: iso(now),
    started_at: null,
    finished_at: null,
    deadline_at: isoPlus(now, timeoutSeconds + deps.deadlineGraceSeconds),
    trace_id: traceIdOf(span),
    rulesets: rulesets.rulesets,
    ruleset_sha256: rulesets.sha256,
    assertion_results: [],
  };
  const attempt: AttemptRecord = {
    id: attemptId,
    run_id: runId,
    number: 1,
    status: "PENDING",
    callback_id: callbackId,
    nonce_commitment: callbackNonceCommitment(nonce),
    bundle_uri: bundleUri,
    input_uri: inputUri,
    output_uri: outputUri,
    input_sha256: "",
    timeout_seconds: timeoutSeconds,
    launcher: null,
    execution_ref: null,
    launch_error: null,
    stdout_tail: null,
    stderr_tail: null,
    created_at: iso(now),
    launched_at: null,
    finished_at: null,
  };
  await deps.store.createRun(run, attempt);
  const log = { run_id: runId, attempt_id: attemptId };
  deps.logger.info({ ...log, validator_id: validator.id }, "run created");
  deps.events.emit("run.created", run);

  let envelope: ReturnType<typeof buildInputEnvelope>;
  let runFiles: RunRecord["files"] = [];
  try {
    const stored: { checked: CheckedFile; stored: StoredObject }[] = [];
    for await (const checked of files) {
      const object = await deps.storage.put(`${prefix}${checked.stored_name}`, checked.file.body, {
        contentType: checked.mime_type,
        maxBytes: checked.port.max_bytes ?? deps.maxFileBytes,
        signal: deps.signal,
      });
      stored.push({ checked, stored: object });
    }
    envelope = buildInputEnvelope({
      run,
      validator,
      attemptId,
      files: stored,
      callbackId,
      nonce,
      callbackUrl: deps.callbackUrl,
      outputUri,
      bundleUri,
      timeoutSeconds,
    });
    await deps.storage.put(`${prefix}input.json`, JSON.stringify(envelope), {
      contentType: "application/json",
      signal: deps.signal,
    });
    runFiles = stored.map(({ checked, stored: object }) => ({
      port_key: checked.port.port_key,
      name: checked.file.name,
      mime_type: checked.mime_type,
      size_bytes: object.size_bytes,
      sha256: object.sha256,
    }));
    await deps.store.updateAttempt(attemptId, { input_sha256: inputEnvelopeSha256(envelope) });
    await deps.store.updateRun(runId, { files: runFiles, updated_at: iso(deps.now()) });
  } catch (error) {
    const clientFault = isValidibotError(error) && CLIENT_FILE_ERRORS.has(error.code);
    const message = `writing the bundle failed: ${messageOf(error)}`;
    deps.logger.error({ ...log, client_fault: clientFault }, message);
    await deps.store.updateAttempt(attemptId, { status: "LAUNCH_FAILED", launch_error: message });
    await endRun(deps, runId, "FAILED", {
      category: clientFault ? "VALIDATION_FAILED" : "SYSTEM_ERROR",
      message,
    });
    if (clientFault) {
      // The run exists (FAILED): name it, so the caller can look it up.
      throw new ValidibotError(error.code, error.message, {
        cause: error,
        details: { ...error.details, run_id: runId },
      });
    }
    return (await deps.store.getRun(runId)) ?? run;
  }

  if (rulesets.assertions.length > 0) {
    const ended = await applyInputStage(deps, rulesets, run, attempt, runFiles);
    if (ended) return ended;
  }
  const savedAttempt = (await deps.store.getAttempt(attemptId)) ?? attempt;
  await launchAttempt(deps, {
    run,
    attempt: savedAttempt,
    validator,
    envelope,
    context: launchContext,
  });
  return (await deps.store.getRun(runId)) ?? run;
}

/**
 * The input stage, after the files are stored and before launch. A failed `ERROR` assertion
 * ends the run FAILED / VALIDATION_FAILED unlaunched (attempt count 0) with its findings, and
 * returns it; otherwise the results are kept on the run (their findings are written with the
 * validator's) and null is returned.
 */
async function applyInputStage(
  deps: ServiceDeps,
  rulesets: ReturnType<typeof rulesetsForSubmit>,
  run: RunRecord,
  attempt: AttemptRecord,
  files: RunRecord["files"],
): Promise<RunRecord | null> {
  const stage = await inputStage(rulesets, { ...run, files }, files);
  if (!stage.blocked) {
    await deps.store.updateRun(run.id, { assertion_results: stage.results });
    return null;
  }
  const now = iso(deps.now());
  const failed = stage.results.filter(
    (r) => r.severity === "ERROR" && r.outcome !== "passed" && r.outcome !== "skipped",
  );
  const after = await deps.store.completeCallback({
    callback_id: attempt.callback_id,
    run_id: run.id,
    attempt_id: attempt.id,
    outcome: "input_assertions_failed",
    runPatch: {
      status: "FAILED",
      error_category: "VALIDATION_FAILED",
      error_message: `${failed.length} input assertion(s) failed; first: ${failed[0]?.message ?? ""}`,
      attempt_count: 0,
      assertion_results: stage.results,
      finished_at: now,
      updated_at: now,
    },
    expectRunStatus: OPEN_STATUSES,
    attemptPatch: {
      status: "LAUNCH_FAILED",
      launch_error: "not launched: input assertions failed",
      finished_at: now,
    },
    findings: stage.findings.map((message, seq) => ({
      id: `${attempt.id}.${seq}`,
      run_id: run.id,
      attempt_id: attempt.id,
      seq,
      severity: message.severity,
      code: message.code,
      message: message.text,
      location: message.location,
      tags: message.tags,
    })),
    metrics: [],
    artifacts: [],
  });
  deps.logger.info(
    { run_id: run.id, attempt_id: attempt.id },
    "run not launched: input assertions failed",
  );
  emitFinished(deps.events, after);
  return after;
}
