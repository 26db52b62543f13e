import {
  type AnyOutputEnvelope,
  type AssertionResult,
  ATTEMPT_CONTRACT_VERSION,
  isTerminalRunStatus,
  outputIdentityMismatches,
  type RunErrorCategory,
  type RunStatus,
  type ValidationMessage,
  ValidibotError,
} from "@validibot/contracts";
import { assertionFindings } from "../assertions";
import type {
  ArtifactRecord,
  AttemptRecord,
  FindingRecord,
  MetricRecord,
  RunRecord,
} from "../model";
import { inSpan } from "../telemetry/spans";
import { outputStage } from "./assertions-step";
import { isInsideBundle } from "./bundle";
import { iso, type ServiceDeps } from "./deps";
import { emitFinished } from "./events";
import { checkArtifactObject, readOutputEnvelope } from "./read-output";
import { OPEN_STATUSES } from "./transitions";

/** How a delivered result was taken: processed now, a replay, or too late to matter. */
export type ResultOutcome = "accepted" | "idempotent_replayed" | "late_callback_ignored";

/** The key prefix of an attempt's bundle in the service's storage. */
export function bundleKeyOf(deps: ServiceDeps, attempt: AttemptRecord): string {
  const inputKey = deps.storage.keyFor(attempt.input_uri);
  return inputKey.slice(0, inputKey.length - "input.json".length);
}

/** The storage key of `uri` if it lies inside the attempt's bundle; throws `result_uri_outside_bundle`. */
export function resultKeyInBundle(deps: ServiceDeps, attempt: AttemptRecord, uri: string): string {
  const outside = new ValidibotError(
    "result_uri_outside_bundle",
    "result_uri is not inside this attempt's bundle",
  );
  let key: string;
  try {
    key = deps.storage.keyFor(uri);
  } catch {
    throw outside;
  }
  if (!isInsideBundle(bundleKeyOf(deps, attempt), key)) throw outside;
  return key;
}

function runOutcome(output: AnyOutputEnvelope): {
  status: RunStatus;
  category: RunErrorCategory | null;
  message: string | null;
} {
  const firstError = output.messages.find((m) => m.severity === "ERROR")?.text ?? null;
  const errors = output.messages.filter((m) => m.severity === "ERROR").length;
  switch (output.status) {
    case "success":
      return { status: "SUCCEEDED", category: null, message: null };
    case "failed_validation":
      return {
        status: "FAILED",
        category: "VALIDATION_FAILED",
        message: errors
          ? `${errors} blocking finding(s); first: ${firstError}`
          : "the validator found the submission invalid",
      };
    case "failed_runtime":
      return {
        status: "FAILED",
        category: "RUNTIME_ERROR",
        message: firstError ?? "the validator failed to run",
      };
    case "cancelled":
      return {
        status: "CANCELED",
        category: null,
        message: "the validator reported the attempt cancelled",
      };
  }
}

function toRecords(
  deps: ServiceDeps,
  run: RunRecord,
  attempt: AttemptRecord,
  output: AnyOutputEnvelope,
) {
  const bundleKey = bundleKeyOf(deps, attempt);
  const findings: FindingRecord[] = output.messages.map((message, seq) => ({
    id: `${attempt.id}.${seq}`,
    run_id: run.id,
    attempt_id: attempt.id,
    seq,
    severity: message.severity,
    code: message.code,
    message: message.text,
    location: message.location,
    tags: message.tags,
  }));
  const metrics: MetricRecord[] = output.metrics.map((metric, seq) => ({
    run_id: run.id,
    attempt_id: attempt.id,
    seq,
    name: metric.name,
    value: metric.value,
    unit: metric.unit,
    category: metric.category,
    tags: metric.tags,
  }));
  const names = new Set<string>();
  const artifacts: ArtifactRecord[] = output.artifacts.map((artifact) => {
    let key: string | null = null;
    try {
      key = deps.storage.keyFor(artifact.uri);
    } catch {
      key = null;
    }
    if (key === null || !isInsideBundle(bundleKey, key)) {
      throw new ValidibotError(
        "output_malformed",
        `artifact ${artifact.name} lies outside the attempt's bundle`,
      );
    }
    if (names.has(artifact.name)) {
      throw new ValidibotError("output_malformed", `two artifacts are named ${artifact.name}`);
    }
    names.add(artifact.name);
    return {
      run_id: run.id,
      attempt_id: attempt.id,
      name: artifact.name,
      type: artifact.type,
      mime_type: artifact.mime_type,
      size_bytes: artifact.size_bytes,
      sha256: artifact.sha256,
      uri: artifact.uri,
      storage_version: artifact.storage_version,
    };
  });
  return { findings, metrics, artifacts };
}

/**
 * Takes an attempt's result whose origin is settled (an authenticated callback with a good
 * nonce, or reconcile finding `output.json`): claims the receipt so exactly one caller
 * processes it, reads and checks the output (rule 5), and records status, findings, metrics and
 * artifacts in one transaction. Any error releases the claim, so a retry can succeed.
 */
export async function processResult(
  deps: ServiceDeps,
  attempt: AttemptRecord,
  resultKey: string,
): Promise<ResultOutcome> {
  const receipt = await deps.store.getReceipt(attempt.callback_id);
  if (receipt?.state === "processed") return "idempotent_replayed";
  const run = await deps.store.getRun(attempt.run_id);
  if (!run)
    throw new ValidibotError("callback_unknown", "the run of this callback no longer exists");
  if (isTerminalRunStatus(run.status) || run.current_attempt_id !== attempt.id) {
    return "late_callback_ignored";
  }
  const claim = await deps.store.claimCallback(
    { callback_id: attempt.callback_id, run_id: run.id, attempt_id: attempt.id },
    deps.claimStaleAfterMs,
  );
  if (claim.kind === "processing") {
    throw new ValidibotError(
      "callback_in_progress",
      "this callback is being processed; retry later",
    );
  }
  if (claim.kind === "processed") return "idempotent_replayed";
  try {
    const output = await readOutputEnvelope(deps, resultKey);
    const mismatches = outputIdentityMismatches(
      {
        run_id: run.id,
        step_run_id: run.step_run_id,
        execution_attempt_id: attempt.id,
        attempt_contract_version: ATTEMPT_CONTRACT_VERSION,
        input_envelope_sha256: attempt.input_sha256,
        output_uri: attempt.output_uri,
        validator: { id: run.validator_id, type: run.validator_type },
      },
      output,
    );
    if (mismatches.length) {
      throw new ValidibotError(
        "output_identity_mismatch",
        `output.json does not belong to this attempt: ${mismatches.join(", ")} differ`,
        { details: { fields: mismatches } },
      );
    }
    const { findings, metrics, artifacts } = toRecords(deps, run, attempt, output);
    for (const artifact of artifacts) {
      await checkArtifactObject(
        deps,
        artifact.name,
        deps.storage.keyFor(artifact.uri),
        artifact.size_bytes,
      );
    }
    let outcome = runOutcome(output);
    const verdict = await assertionVerdict(deps, run, output, outcome);
    outcome = verdict.outcome;
    findings.push(...assertionRecords(run, attempt, findings.length, verdict.findings));
    const now = iso(deps.now());
    const runPatch: Partial<RunRecord> = {
      status: outcome.status,
      error_category: outcome.category,
      error_message: outcome.message,
      result_status: output.status,
      finished_at: now,
      updated_at: now,
      ...(verdict.results ? { assertion_results: verdict.results } : {}),
    };
    const after = await inSpan("store transaction", {}, () =>
      deps.store.completeCallback({
        callback_id: attempt.callback_id,
        run_id: run.id,
        attempt_id: attempt.id,
        outcome: "accepted",
        runPatch,
        expectRunStatus: OPEN_STATUSES,
        attemptPatch: { status: "COMPLETED", finished_at: now },
        findings,
        metrics,
        artifacts,
      }),
    );
    const applied =
      after.status === outcome.status &&
      after.finished_at === now &&
      after.result_status === output.status;
    if (!applied) return "late_callback_ignored";
    deps.logger.info(
      {
        run_id: run.id,
        attempt_id: attempt.id,
        result_status: output.status,
        findings: findings.length,
      },
      "result recorded",
    );
    emitFinished(deps.events, after);
    return "accepted";
  } catch (error) {
    await deps.store.releaseCallback(attempt.callback_id);
    throw error;
  }
}

/**
 * The output stage's verdict: a failed `ERROR` assertion turns SUCCEEDED into FAILED /
 * VALIDATION_FAILED. Findings are the input stage's kept ones and the output stage's; results
 * are the run's input-stage results followed by the output stage's (null: no rulesets).
 */
async function assertionVerdict(
  deps: ServiceDeps,
  run: RunRecord,
  output: AnyOutputEnvelope,
  outcome: ReturnType<typeof runOutcome>,
): Promise<{
  outcome: ReturnType<typeof runOutcome>;
  findings: ValidationMessage[];
  results: AssertionResult[] | null;
}> {
  const stage = await outputStage(deps, run, output);
  if (!stage) return { outcome, findings: [], results: null };
  const kept = assertionFindings(run.assertion_results);
  let next = outcome;
  if (stage.blocked && outcome.status === "SUCCEEDED") {
    const first = stage.results.find(
      (r) => r.severity === "ERROR" && (r.outcome === "failed" || r.outcome === "errored"),
    );
    next = {
      status: "FAILED",
      category: "VALIDATION_FAILED",
      message: `output assertion ${first?.assertion_id ?? ""} failed: ${first?.message ?? ""}`,
    };
  }
  return {
    outcome: next,
    findings: [...kept, ...stage.findings],
    results: [...run.assertion_results, ...stage.results],
  };
}

function assertionRecords(
  run: RunRecord,
  attempt: AttemptRecord,
  firstSeq: number,
  messages: readonly ValidationMessage[],
): FindingRecord[] {
  return messages.map((message, i) => ({
    id: `${attempt.id}.${firstSeq + i}`,
    run_id: run.id,
    attempt_id: attempt.id,
    seq: firstSeq + i,
    severity: message.severity,
    code: message.code,
    message: message.text,
    location: message.location,
    tags: message.tags,
  }));
}
