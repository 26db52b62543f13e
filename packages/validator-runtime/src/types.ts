import type {
  AnyInputEnvelope,
  MessageLocation,
  Severity,
  ValidationStatus,
  ValidatorType,
} from "@validibot/contracts";
import type { ZodType, ZodTypeDef } from "zod";

/** A file staged into the scratch folder, verified against its size and digest. */
export interface StagedFile {
  /** `input` for `input_files`, `resource` for `resource_files`. */
  kind: "input" | "resource";
  port_key: string;
  name: string;
  /** Absolute local path of the verified copy. */
  path: string;
  size_bytes: number;
  sha256: string;
  /** MIME type (inputs) or resource type (resources). */
  mime_type: string | null;
  role: string | null;
}

/** Options of `ctx.runProcess`. */
export interface RunProcessOptions {
  /** Kill the process (SIGTERM, then SIGKILL after a grace) after this long. Default: the attempt's remaining time. */
  timeoutMs?: number;
  /** Extra environment; merged over the runtime's. */
  env?: Record<string, string>;
  /** Working directory. Default: the scratch folder. */
  cwd?: string;
  /** How much of stdout and stderr to keep, from the end. Default: 64 KiB each. */
  tailBytes?: number;
}

/** What a finished child process left. */
export interface ProcessResult {
  /** Exit code, or null when killed by a signal. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** True when the runtime killed it for running past its timeout. */
  timedOut: boolean;
  /** True when it was stopped because the attempt was cancelled (SIGTERM to the runtime). */
  cancelled: boolean;
  stdoutTail: string;
  stderrTail: string;
  durationMs: number;
}

/** A finding as a validator reports it; defaults fill the rest. */
export interface FindingInput {
  severity: Severity;
  /** A stable code, e.g. `energyplus.severe`, `fmu.duplicate_value_reference`. */
  code?: string | null;
  text: string;
  location?: Partial<MessageLocation> | null;
  tags?: string[];
}

/** A metric as a validator reports it. */
export interface MetricInput {
  name: string;
  value: number | string;
  unit?: string | null;
  category?: string | null;
  tags?: string[];
}

/** A file the validator produced that the host should keep as an artifact. */
export interface ArtifactInput {
  /** Local path of the file (anywhere readable). */
  path: string;
  /** Artifact name; a safe leaf name. Default: the file's base name. */
  name?: string;
  /** What it is, e.g. `energyplus-sql`, `timeseries-csv`. */
  type: string;
  mime_type?: string | null;
}

/** Everything a validator's `run` gets: its inputs and files, a place to work, and ways to report. */
export interface ValidatorContext<I> {
  /** The input envelope, parsed with the typed variant (nonce included: do not log it). */
  envelope: AnyInputEnvelope;
  /** `envelope.inputs` parsed with the validator's `inputs` schema. */
  inputs: I;
  /** Every staged file. */
  files: StagedFile[];
  /** The first staged file of a port; throws a clear error when the port has none. */
  file(portKey: string): StagedFile;
  /** The first staged file of a port, or undefined. */
  optionalFile(portKey: string): StagedFile | undefined;
  /** A private working folder, removed after the run. */
  scratchDir: string;
  /** Files written here are uploaded to the bundle's `outputs/` and listed in its manifest. */
  outputsDir: string;
  /** Aborted on SIGTERM (cancel) or when the attempt's time is up. */
  signal: AbortSignal;
  /** When the attempt's time is up. */
  deadline: Date;
  /** Runs a child process with timeouts, output tails and signal forwarding. */
  runProcess(command: string, args: string[], options?: RunProcessOptions): Promise<ProcessResult>;
  finding(finding: FindingInput): void;
  metric(metric: MetricInput): void;
  artifact(artifact: ArtifactInput): void;
  /** Writes a line to the runtime's log (stderr). */
  log(message: string): void;
}

/** What `run` returns; every field optional. */
export interface ValidatorRunResult {
  /**
   * The verdict. Default: `failed_validation` when any `ERROR` finding was reported, else
   * `success`.
   */
  status?: ValidationStatus;
  /** The typed `outputs` of the output envelope (EnergyPlus, FMU) or free-form outputs. */
  outputs?: Record<string, unknown> | null;
}

/** What a validator author declares. */
export interface ValidatorSpec<I> {
  /** The validator type this handles; selects the typed envelope variant. */
  type: ValidatorType;
  /** The validator's own version, reported in logs and `try` output. */
  version: string;
  /** Schema of `inputs`. Default: the typed contract inputs for ENERGYPLUS and FMU, else any object. */
  inputs?: ZodType<I, ZodTypeDef, unknown>;
  run(ctx: ValidatorContext<I>): Promise<ValidatorRunResult | undefined>;
}

/** A validator, as `defineValidator` returns it and `runValidator` takes it. */
export interface Validator<I = Record<string, unknown>> extends ValidatorSpec<I> {
  readonly kind: "validibot.validator";
}
