import { z } from "zod";

/**
 * Every error code of the system with the HTTP status it maps to. Codes are stable: hosts,
 * runtimes and HTTP clients branch on them, so a code is never renamed or reused.
 */
export const ERROR_HTTP_STATUS = {
  // request shape
  invalid_json: 400,
  invalid_request: 400,
  payload_too_large: 413,
  // callback authentication
  auth_missing: 401,
  auth_malformed: 401,
  auth_invalid_signature: 401,
  auth_token_expired: 401,
  auth_wrong_audience: 401,
  auth_wrong_issuer: 401,
  auth_invalid_worker_key: 401,
  auth_email_unverified: 403,
  auth_service_account_not_allowed: 403,
  // callback checks
  callback_unknown: 404,
  callback_run_mismatch: 400,
  callback_nonce_mismatch: 403,
  callback_in_progress: 409,
  result_uri_outside_bundle: 400,
  output_missing: 400,
  output_too_large: 413,
  output_malformed: 400,
  output_identity_mismatch: 400,
  // runs API
  validator_unknown: 404,
  file_missing: 400,
  file_unexpected: 400,
  file_type_unsupported: 415,
  inputs_invalid: 400,
  run_not_found: 404,
  run_not_cancellable: 409,
  artifact_not_found: 404,
  // storage
  storage_path_invalid: 400,
  storage_already_exists: 409,
  storage_not_found: 404,
  storage_size_exceeded: 413,
  storage_unavailable: 503,
  // file integrity, as the runtime stages inputs
  file_unsafe_name: 400,
  file_size_mismatch: 422,
  file_digest_mismatch: 422,
  file_version_mismatch: 422,
  // envelopes and launching
  envelope_invalid: 400,
  output_uri_mismatch: 400,
  launch_failed: 502,
  launcher_permission_denied: 502,
  launcher_job_not_found: 502,
  callback_delivery_failed: 502,
  // validator outcomes
  validator_crashed: 500,
  validator_timeout: 504,
  internal_error: 500,
  // run stores
  store_conflict: 409,
  store_unavailable: 503,
  // waiting
  wait_timeout: 408,
  wait_aborted: 499,
  service_closed: 503,
  // callback authentication: the verifier could not get Google's signing keys (retryable)
  auth_keys_unavailable: 503,
  // HTTP clients of the runs API: no answer (refused, reset, timed out), or one that is not the contract's
  server_unreachable: 503,
  unexpected_response: 502,
  // HTTP servers: a path or method no route serves
  route_not_found: 404,
  // HTTP servers: more uploads at once than the server takes (retry after Retry-After)
  too_many_uploads: 503,
  // local launchers: validators run sandboxed, and the sandbox (bubblewrap) is not available here
  sandbox_unavailable: 503,
  // rulesets: a ruleset document, or one of its expressions, that cannot be applied
  ruleset_invalid: 400,
  // runs API access: API tokens (Authorization: Bearer) and dashboard sessions
  api_token_missing: 401,
  api_token_invalid: 401,
  api_token_expired: 401,
  api_token_revoked: 401,
  api_scope_insufficient: 403,
  // browser protections of the HTTP server: DNS rebinding, cross-origin writes, CSRF
  host_not_allowed: 403,
  origin_not_allowed: 403,
  csrf_token_invalid: 403,
  // token administration: revoking or reading a token id that does not exist
  api_token_not_found: 404,
} as const satisfies Record<string, number>;

/** A stable error code. */
export const ErrorCode = z.enum(
  Object.keys(ERROR_HTTP_STATUS) as [
    keyof typeof ERROR_HTTP_STATUS,
    ...(keyof typeof ERROR_HTTP_STATUS)[],
  ],
);
/** A stable error code. */
export type ErrorCode = z.infer<typeof ErrorCode>;

/** The HTTP status an error code is answered with. */
export function httpStatusOf(code: ErrorCode): number {
  return ERROR_HTTP_STATUS[code];
}

/**
 * The one error body every HTTP endpoint answers with: a stable code and a message for people,
 * and `run_id` when the request had already created a run before it failed (a file over its
 * limit found mid-upload), so the client can look that run up.
 */
export const ErrorBody = z.object({
  code: ErrorCode,
  message: z.string(),
  run_id: z.string().optional(),
});
/** The one error body every HTTP endpoint answers with. */
export type ErrorBody = z.infer<typeof ErrorBody>;

/**
 * An error that carries a stable code. Thrown across host, runtime and HTTP layers; the HTTP
 * layer answers it as `ErrorBody` with `httpStatusOf(code)`.
 */
export class ValidibotError extends Error {
  /** The stable code. */
  readonly code: ErrorCode;
  /** Extra machine-readable facts (field names, sizes); never secrets. */
  readonly details: Record<string, unknown> | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options?: { cause?: unknown; details?: Record<string, unknown> },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = "ValidibotError";
    this.code = code;
    this.details = options?.details;
  }

  /** The HTTP status of this error's code. */
  get status(): number {
    return httpStatusOf(this.code);
  }

  /** This error as the HTTP error body (with `details.run_id` when there is one). */
  toBody(): ErrorBody {
    const runId = this.details?.run_id;
    return typeof runId === "string"
      ? { code: this.code, message: this.message, run_id: runId }
      : { code: this.code, message: this.message };
  }
}

/** Whether `error` is a `ValidibotError`, across copies of this package loaded twice. */
export function isValidibotError(error: unknown): error is ValidibotError {
  return (
    error instanceof ValidibotError ||
    (error instanceof Error &&
      error.name === "ValidibotError" &&
      typeof (error as { code?: unknown }).code === "string" &&
      ErrorCode.safeParse((error as { code?: unknown }).code).success)
  );
}
