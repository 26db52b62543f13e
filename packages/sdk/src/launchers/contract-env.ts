import { traceEnv } from "../telemetry/trace-context";
import type { LaunchRequest } from "./types";

/** `DEPLOYMENT_TARGET` values: `gcp` mints Google ID tokens; anything else uses `WORKER_API_KEY`. */
export type DeploymentTarget = "self_hosted" | "gcp" | (string & {});

/** Names of the container environment of CONTRACT.md, as launchers set them. */
export const CONTRACT_ENV = {
  inputUri: "VALIDIBOT_INPUT_URI",
  outputUri: "VALIDIBOT_OUTPUT_URI",
  deploymentTarget: "DEPLOYMENT_TARGET",
  workerKey: "WORKER_API_KEY",
  scratchRoot: "VALIDIBOT_ATTEMPT_SCRATCH_ROOT",
  traceparent: "TRACEPARENT",
  tracestate: "TRACESTATE",
} as const;

/** What goes into a validator's environment besides the request's URIs. */
export interface ContractEnvOptions {
  deploymentTarget: DeploymentTarget;
  /** `WORKER_API_KEY`; left out when undefined (Cloud Run uses ID tokens instead). */
  workerKey?: string;
  /** `VALIDIBOT_ATTEMPT_SCRATCH_ROOT`; left out when undefined (the runtime's default applies). */
  scratchRoot?: string;
}

/**
 * The container environment of CONTRACT.md for one attempt: `VALIDIBOT_INPUT_URI`,
 * `VALIDIBOT_OUTPUT_URI`, `DEPLOYMENT_TARGET`, and `WORKER_API_KEY` /
 * `VALIDIBOT_ATTEMPT_SCRATCH_ROOT` when given, plus `TRACEPARENT` / `TRACESTATE` when the
 * request carries a trace context. Every launcher passes exactly these, so a validator sees the
 * same contract wherever it runs.
 */
export function contractEnv(
  request: Pick<LaunchRequest, "inputUri" | "outputUri" | "traceContext">,
  options: ContractEnvOptions,
): Record<string, string> {
  const env: Record<string, string> = {
    [CONTRACT_ENV.inputUri]: request.inputUri,
    [CONTRACT_ENV.outputUri]: request.outputUri,
    [CONTRACT_ENV.deploymentTarget]: options.deploymentTarget,
  };
  if (options.workerKey !== undefined) env[CONTRACT_ENV.workerKey] = options.workerKey;
  if (options.scratchRoot !== undefined) env[CONTRACT_ENV.scratchRoot] = options.scratchRoot;
  Object.assign(env, traceEnv(request.traceContext));
  return env;
}
