import {
  type AnyInputEnvelope,
  describeZodIssues,
  type ErrorCode,
  isValidibotError,
  type ValidationStatus,
} from "@validibot/contracts";
import { inSpan } from "@validibot/sdk/telemetry";
import { isFileIntegrityError } from "./file-integrity";
import { inputsSchemaOf } from "./inputs-schema";
import { errorMessage, type Logger } from "./log";
import type { ProcessSupervisor } from "./process-supervisor";
import { stageFiles } from "./stage-files";
import type { StorageResolver } from "./storage";
import type { Validator } from "./types";
import { createValidatorContext, type Reported } from "./validator-context";

/** How the validator's part of an attempt ended. */
export type WorkVerdict =
  /** `run` returned. */
  | {
      kind: "ran";
      status: ValidationStatus | undefined;
      outputs: Record<string, unknown> | null | undefined;
    }
  /** The attempt failed for a reason of its own (files, inputs, a crash): `failed_runtime`. */
  | { kind: "failed"; code: ErrorCode; text: string }
  /** The infrastructure failed (storage down, disk full): no output, a non-zero exit. */
  | { kind: "infrastructure"; error: unknown };

/** What `startWork` needs. */
export interface WorkParts<I> {
  validator: Validator<I>;
  envelope: AnyInputEnvelope;
  attemptDir: string;
  scratchDir: string;
  outputsDir: string;
  deadline: Date;
  signal: AbortSignal;
  supervisor: ProcessSupervisor;
  resolve: StorageResolver;
  log: Logger;
}

/**
 * Starts the validator's part of an attempt: stage and verify the files, parse the inputs, call
 * `run` with its context. The returned promise never rejects. `reported` fills as the validator
 * reports; `seal` stops it accepting more (the runtime calls it once it stops waiting).
 */
export function startWork<I>(parts: WorkParts<I>): {
  done: Promise<WorkVerdict>;
  reported: Reported;
  seal(): void;
} {
  const reported: Reported = { messages: [], metrics: [], artifacts: [] };
  let sealed = false;
  let sealContext = () => {};
  const done = (async (): Promise<WorkVerdict> => {
    const { validator, envelope, log } = parts;
    if (validator.type !== envelope.validator.type) {
      return {
        kind: "failed",
        code: "envelope_invalid",
        text: `This container runs the ${validator.type} validator, but the attempt is for a ${envelope.validator.type} validator.`,
      };
    }
    let files: Awaited<ReturnType<typeof stageFiles>>;
    try {
      files = await inSpan("stage inputs", {}, () =>
        stageFiles(envelope, parts.attemptDir, parts.resolve, parts.signal),
      );
    } catch (error) {
      if (isFileIntegrityError(error) && isValidibotError(error)) {
        return { kind: "failed", code: error.code, text: error.message };
      }
      if (parts.signal.aborted)
        return { kind: "failed", code: "internal_error", text: "stopped while staging files" };
      return { kind: "infrastructure", error };
    }
    if (parts.signal.aborted) {
      return { kind: "failed", code: "internal_error", text: "stopped before the validator ran" };
    }
    const inputs = inputsSchemaOf(validator).safeParse(envelope.inputs);
    if (!inputs.success) {
      return {
        kind: "failed",
        code: "inputs_invalid",
        text: `The inputs do not match what the ${validator.type} validator takes: ${describeZodIssues(inputs.error)}`,
      };
    }
    const context = createValidatorContext({
      envelope,
      inputs: inputs.data,
      files,
      scratchDir: parts.scratchDir,
      outputsDir: parts.outputsDir,
      signal: parts.signal,
      deadline: parts.deadline,
      supervisor: parts.supervisor,
      log,
      reported,
    });
    sealContext = context.seal;
    if (sealed) context.seal();
    try {
      const result = await inSpan("validate", {}, async () => validator.run(context.ctx));
      return { kind: "ran", status: result?.status, outputs: result?.outputs };
    } catch (error) {
      log(
        `the validator threw: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
      return {
        kind: "failed",
        code: "validator_crashed",
        text: `The validator failed: ${errorMessage(error)}`,
      };
    }
  })();
  return {
    done,
    reported,
    seal: () => {
      sealed = true;
      sealContext();
    },
  };
}
