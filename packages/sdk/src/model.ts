import type {
  Artifact,
  AssertionResult,
  Finding,
  Metric,
  Ruleset,
  RunErrorCategory,
  RunFile,
  RunStatus,
  ValidationStatus,
  ValidatorType,
} from "@validibot/contracts";

/** A run as the store keeps it. Times are ISO 8601 UTC strings. */
export interface RunRecord {
  id: string;
  org_id: string;
  org_name: string;
  workflow_id: string;
  step_id: string;
  step_name: string | null;
  step_run_id: string;
  validator_id: string;
  validator_type: ValidatorType;
  validator_version: string;
  status: RunStatus;
  error_category: RunErrorCategory | null;
  error_message: string | null;
  /** The validator's verdict, once a callback was processed. */
  result_status: ValidationStatus | null;
  /** The run's inputs as parsed (defaults filled). */
  inputs: Record<string, unknown>;
  files: RunFile[];
  tags: string[];
  current_attempt_id: string | null;
  attempt_count: number;
  created_at: string;
  updated_at: string;
  started_at: string | null;
  finished_at: string | null;
  /** When the run is overdue and `reconcile()` takes it up; null while not launched. */
  deadline_at: string | null;
  /**
   * The W3C trace id (32 hex digits) of the trace the run was submitted in, to find it in a
   * tracing backend; null (or absent, in records made before it existed) when tracing was off.
   */
  trace_id?: string | null;
  /** The rulesets applied to the run, in order (the validator's default first); [] for none. */
  rulesets: Ruleset[];
  /** SHA-256 of the canonical JSON of `rulesets`; null when there are none. */
  ruleset_sha256: string | null;
  /** Each assertion's result so far: the input stage's at submit, the output stage's appended. */
  assertion_results: AssertionResult[];
}

/** Where an attempt is: created, launched, done (a callback or reconcile ended it), or failed to launch. */
export type AttemptStatus =
  | "PENDING"
  | "LAUNCHED"
  | "COMPLETED"
  | "LAUNCH_FAILED"
  | "CANCELED"
  | "TIMED_OUT";

/** One launch of a run, with its own bundle, callback id and nonce commitment. */
export interface AttemptRecord {
  id: string;
  run_id: string;
  /** 1 for the first attempt of a run. */
  number: number;
  status: AttemptStatus;
  /** `execution-attempt-<uuid>`; unique across the store. */
  callback_id: string;
  /** SHA-256 commitment of the nonce; the nonce itself is never stored. */
  nonce_commitment: string;
  bundle_uri: string;
  input_uri: string;
  output_uri: string;
  /** `input_envelope_sha256` the output envelope must echo. */
  input_sha256: string;
  timeout_seconds: number;
  /** Which launcher ran it, and its execution reference once `launch()` returned. */
  launcher: string | null;
  execution_ref: string | null;
  /** The launcher's error, when launching failed. */
  launch_error: string | null;
  /** Tails of the validator's output, where the launcher keeps them. */
  stdout_tail: string | null;
  stderr_tail: string | null;
  created_at: string;
  launched_at: string | null;
  finished_at: string | null;
}

/** A finding as stored: the API's finding plus the run and attempt it belongs to. */
export interface FindingRecord extends Finding {
  run_id: string;
  attempt_id: string;
  /** Order within the attempt's output, from 0. */
  seq: number;
}

/** A metric as stored. */
export interface MetricRecord extends Metric {
  run_id: string;
  attempt_id: string;
  seq: number;
}

/** An artifact as stored, with where its bytes are. */
export interface ArtifactRecord extends Artifact {
  run_id: string;
  attempt_id: string;
  uri: string;
  storage_version: string;
}

/** The state of a callback receipt: being processed by someone, or done. */
export type ReceiptState = "processing" | "processed";

/** The receipt of a callback, unique per `callback_id`: what makes callbacks idempotent. */
export interface CallbackReceipt {
  callback_id: string;
  run_id: string;
  attempt_id: string;
  state: ReceiptState;
  /** What the processed callback resolved to: `accepted` or `late_callback_ignored`. */
  outcome: string | null;
  claimed_at: string;
  processed_at: string | null;
}
