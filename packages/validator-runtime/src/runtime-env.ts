/** The container's environment as the runtime reads it (CONTRACT.md, "The container's environment"). */
export interface RuntimeEnvironment {
  /** `VALIDIBOT_INPUT_URI`, else the first command-line argument; null when neither is given. */
  inputUri: string | null;
  /** `VALIDIBOT_OUTPUT_URI`; when set it must equal `context.expected_output_uri`. */
  outputUri: string | null;
  /** `DEPLOYMENT_TARGET`: `gcp` mints Google ID tokens, anything else uses the Worker-Key. */
  deploymentTarget: string | null;
  /** `WORKER_API_KEY`, the shared secret of `Authorization: Worker-Key`. */
  workerApiKey: string | null;
  /** `TASK_OIDC_AUDIENCE`: overrides the ID token's audience (default: the callback URL's origin). */
  oidcAudience: string | null;
  /** `VALIDIBOT_ATTEMPT_SCRATCH_ROOT`: where scratch folders go (default: the OS temp folder). */
  scratchRoot: string | null;
  /** `VALIDIBOT_GCS_API_ENDPOINT`: a GCS emulator or private endpoint (default: Google's). */
  gcsApiEndpoint: string | null;
  /** `TRACEPARENT`: the W3C trace context of the host's `launch` span; the job's spans continue it. */
  traceparent: string | null;
  /** `TRACESTATE`: vendor trace state beside `TRACEPARENT`. */
  tracestate: string | null;
}

function nonEmpty(value: string | undefined): string | null {
  return value === undefined || value.trim() === "" ? null : value;
}

/** Reads the runtime's settings from an environment and the arguments after the validator. */
export function readRuntimeEnvironment(
  env: NodeJS.ProcessEnv,
  args: readonly string[] = [],
): RuntimeEnvironment {
  return {
    inputUri: nonEmpty(env.VALIDIBOT_INPUT_URI) ?? nonEmpty(args[0]),
    outputUri: nonEmpty(env.VALIDIBOT_OUTPUT_URI),
    deploymentTarget: nonEmpty(env.DEPLOYMENT_TARGET),
    workerApiKey: nonEmpty(env.WORKER_API_KEY),
    oidcAudience: nonEmpty(env.TASK_OIDC_AUDIENCE),
    scratchRoot: nonEmpty(env.VALIDIBOT_ATTEMPT_SCRATCH_ROOT),
    gcsApiEndpoint: nonEmpty(env.VALIDIBOT_GCS_API_ENDPOINT),
    traceparent: nonEmpty(env.TRACEPARENT),
    tracestate: nonEmpty(env.TRACESTATE),
  };
}
