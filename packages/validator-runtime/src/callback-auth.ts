import { ValidibotError } from "@validibot/contracts";
import type { RuntimeEnvironment } from "./runtime-env";

/**
 * Mints the `Authorization` header of one callback request. Called once per try, so an ID token
 * that expired during the backoff is replaced.
 */
export type CallbackAuthorizer = () => Promise<string>;

/** The ID token audience: `TASK_OIDC_AUDIENCE`, else the callback URL's origin (no path). */
export function idTokenAudience(callbackUrl: string, override: string | null): string {
  return override ?? new URL(callbackUrl).origin;
}

/**
 * A Google ID token from the metadata server (google-auth-library's ID token client, loaded on
 * first use so self-hosted containers never load it).
 */
export function googleIdTokenAuthorizer(audience: string): CallbackAuthorizer {
  let client: Promise<{ getRequestHeaders(url?: string): Promise<Headers> }> | undefined;
  return async () => {
    client ??= import("google-auth-library").then(({ GoogleAuth }) =>
      new GoogleAuth().getIdTokenClient(audience),
    );
    let header: string | null;
    try {
      header = (await (await client).getRequestHeaders()).get("authorization");
    } catch (error) {
      client = undefined;
      throw error;
    }
    if (!header) throw new Error("the metadata server gave no ID token");
    return header;
  };
}

/** `Authorization: Worker-Key <key>`, the self-hosted shared secret. */
export function workerKeyAuthorizer(key: string): CallbackAuthorizer {
  return async () => `Worker-Key ${key}`;
}

/**
 * The authorizer the environment asks for: a Google ID token with `DEPLOYMENT_TARGET=gcp`, else
 * the Worker-Key. Throws `auth_missing` when neither can be had (no `WORKER_API_KEY`).
 */
export function authorizerFor(env: RuntimeEnvironment, callbackUrl: string): CallbackAuthorizer {
  if (env.deploymentTarget === "gcp") {
    return googleIdTokenAuthorizer(idTokenAudience(callbackUrl, env.oidcAudience));
  }
  if (env.workerApiKey === null) {
    throw new ValidibotError(
      "auth_missing",
      "WORKER_API_KEY is not set: the callback cannot authenticate (set DEPLOYMENT_TARGET=gcp for ID tokens)",
    );
  }
  return workerKeyAuthorizer(env.workerApiKey);
}
