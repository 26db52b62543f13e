export { AttemptStop, installSignalHandlers, type StopReason } from "./attempt-stop";
export {
  type CallbackAuthorizer,
  googleIdTokenAuthorizer,
  idTokenAudience,
  workerKeyAuthorizer,
} from "./callback-auth";
export { type CallbackDelivery, type CallbackOptions, sendCallback } from "./callback-sender";
export { defineValidator, isValidator } from "./define-validator";
export { ExitCode } from "./exit-codes";
export { FILE_INTEGRITY_CODES, isFileIntegrityError } from "./file-integrity";
export { inputsSchemaOf } from "./inputs-schema";
export { type Logger, silentLogger, stderrLogger } from "./log";
export {
  OUTPUTS_MANIFEST_NAME,
  type OutputsManifest,
  type OutputsManifestEntry,
} from "./output-uploads";
export {
  DEFAULT_KILL_GRACE_MS,
  DEFAULT_TAIL_BYTES,
  ProcessSupervisor,
  type ProcessSupervisorOptions,
} from "./process-supervisor";
export { DEFAULT_MAX_INPUT_ENVELOPE_BYTES } from "./read-input-envelope";
export {
  type AttemptOutcome,
  DEFAULT_CANCEL_GRACE_MS,
  type RunValidatorOptions,
  runAttempt,
  runValidator,
} from "./run-validator";
export { type RuntimeEnvironment, readRuntimeEnvironment } from "./runtime-env";
export {
  type StorageResolver,
  type StorageResolverOptions,
  storageResolverFor,
} from "./storage";
export { TailBuffer } from "./tail-buffer";
export type {
  ArtifactInput,
  FindingInput,
  MetricInput,
  ProcessResult,
  RunProcessOptions,
  StagedFile,
  Validator,
  ValidatorContext,
  ValidatorRunResult,
  ValidatorSpec,
} from "./types";
