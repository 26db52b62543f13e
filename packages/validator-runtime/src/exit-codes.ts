/**
 * The exit codes of `runValidator` and the CLI. Zero means the attempt is settled (output written,
 * callback delivered or skipped); the infrastructure codes tell Cloud Run a retry may help, and a
 * retry replays an `output.json` that was already written instead of recomputing it.
 */
export const ExitCode = {
  /** `output.json` written (or replayed) and the callback delivered or skipped. */
  ok: 0,
  /** `try` only: the attempt ended with a status other than `success`. */
  notSuccess: 1,
  /** Bad command line. */
  usage: 2,
  /** The validator could not be loaded (not in this build, bad module, no default export). */
  validatorUnavailable: 3,
  /** `input.json` missing, unreadable, too large or invalid, or `VALIDIBOT_OUTPUT_URI` differs. */
  inputUnreadable: 10,
  /** Staging a file failed for a reason that is not the submission's (storage down, disk full). */
  stagingFailed: 11,
  /** An output file, the manifest or `output.json` could not be written. */
  outputNotWritable: 12,
  /** An `output.json` already in the bundle does not belong to this attempt. */
  outputConflict: 13,
  /** The callback could not be delivered (network errors, 5xx or 409 on every try). */
  callbackUndeliverable: 14,
  /** The host refused the callback with a 4xx other than 409; retrying the same body will not help. */
  callbackRejected: 15,
  /** An unexpected failure inside the runtime itself. */
  internal: 70,
} as const;

/** One of the exit codes. */
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
