import type { Span } from "@opentelemetry/api";
import {
  type AnyInputEnvelope,
  isTerminalRunStatus,
  isValidibotError,
  ValidibotError,
} from "@validibot/contracts";
import type { LaunchContext } from "../launchers/types";
import type { AttemptRecord, RunRecord } from "../model";
import { runAttributes, SPAN_ATTRIBUTES } from "../telemetry/attributes";
import { inSpan, recordSpanError, SpanKind } from "../telemetry/spans";
import { traceCarrierOf } from "../telemetry/trace-context";
import type { ValidatorDefinition } from "../validators";
import { iso, isoPlus, type ServiceDeps } from "./deps";
import { endRun, messageOf } from "./transitions";

/** What is needed to launch one attempt whose bundle is written. */
export interface LaunchPlan {
  run: RunRecord;
  attempt: AttemptRecord;
  validator: ValidatorDefinition;
  envelope: AnyInputEnvelope;
  context: LaunchContext;
}

/**
 * Launches an attempt and marks its run `RUNNING`. A callback may land before `launch()` returns;
 * then the run has already ended and only the execution reference is recorded. A failed launch
 * ends the run `FAILED` / `SYSTEM_ERROR` with the launcher's error on the attempt.
 */
export function launchAttempt(deps: ServiceDeps, plan: LaunchPlan): Promise<void> {
  const attributes = runAttributes({ id: plan.run.id, attemptId: plan.attempt.id });
  return inSpan("launch", attributes, (span) => launchInSpan(deps, plan, span), {
    kind: SpanKind.PRODUCER,
  });
}

async function launchInSpan(deps: ServiceDeps, plan: LaunchPlan, span: Span): Promise<void> {
  const { run, attempt, validator, envelope } = plan;
  const log = { run_id: run.id, attempt_id: attempt.id };
  let launcherName: string | null = null;
  try {
    const launcher = deps.launchers.launcherFor(validator);
    launcherName = launcher.name;
    span.setAttribute(SPAN_ATTRIBUTES.launcher, launcher.name);
    await deps.store.updateAttempt(attempt.id, { launcher: launcher.name });
    const traceContext = traceCarrierOf(span);
    const { executionRef } = await launcher.launch(
      {
        run,
        attempt,
        validator,
        envelope,
        inputUri: attempt.input_uri,
        outputUri: attempt.output_uri,
        bundleUri: attempt.bundle_uri,
        timeoutSeconds: attempt.timeout_seconds,
        ...(traceContext ? { traceContext } : {}),
      },
      plan.context,
    );
    span.setAttribute(SPAN_ATTRIBUTES.executionRef, executionRef);
    const now = deps.now();
    const current = await deps.store.getAttempt(attempt.id);
    await deps.store.updateAttempt(attempt.id, {
      execution_ref: executionRef,
      launched_at: iso(now),
      ...(current?.status === "PENDING" ? { status: "LAUNCHED" as const } : {}),
    });
    const started = await deps.store.updateRun(
      run.id,
      {
        status: "RUNNING",
        started_at: iso(now),
        updated_at: iso(now),
        deadline_at: isoPlus(now, attempt.timeout_seconds + deps.deadlineGraceSeconds),
      },
      ["PENDING"],
    );
    if (started) {
      deps.logger.info(
        { ...log, launcher: launcher.name, execution_ref: executionRef },
        "run started",
      );
      deps.events.emit("run.started", started);
    } else {
      const [latest, attemptNow] = await Promise.all([
        deps.store.getRun(run.id),
        deps.store.getAttempt(attempt.id),
      ]);
      if (latest && isTerminalRunStatus(latest.status) && attemptNow?.status !== "COMPLETED") {
        // Ended without its result while the launch was in flight (cancelled, or reconciled as
        // never launched): stop what was just started.
        await launcher.cancel(executionRef).catch((error: unknown) => {
          deps.logger.warn(
            { ...log, execution_ref: executionRef },
            `cancel after launch failed: ${messageOf(error)}`,
          );
        });
      }
    }
  } catch (error) {
    const message = messageOf(error);
    const code = isValidibotError(error) ? error.code : "launch_failed";
    recordSpanError(span, error);
    span.setAttribute(SPAN_ATTRIBUTES.errorCode, code);
    deps.logger.error({ ...log, launcher: launcherName, code }, `launch failed: ${message}`);
    deps.events.emit("launch.failed", { run_id: run.id, launcher: launcherName, code });
    await deps.store.updateAttempt(attempt.id, {
      status: "LAUNCH_FAILED",
      launch_error: `${code}: ${message}`,
      finished_at: iso(deps.now()),
    });
    await endRun(deps, run.id, "FAILED", {
      category: "SYSTEM_ERROR",
      message: `launch failed (${code}): ${message}`,
    });
  }
}

/** Re-raises `error` as a `ValidibotError` (`internal_error` when it is not one already). */
export function asValidibotError(error: unknown): ValidibotError {
  if (isValidibotError(error)) return error;
  return new ValidibotError("internal_error", messageOf(error), { cause: error });
}
