import { createHmac } from "node:crypto";

/** The prefix of a per-attempt callback credential, so one is told from the shared key at a glance. */
export const ATTEMPT_CREDENTIAL_PREFIX = "vbatt1.";

/**
 * The callback credential of one attempt: `vbatt1.` + base64url(HMAC-SHA256 under the host's
 * worker key of `validibot.attempt-callback.v1\0<callback id>`). A launcher hands it to the job as
 * `WORKER_API_KEY` instead of the shared key; the runtime sends it unchanged as
 * `Authorization: Worker-Key <credential>`. It authenticates callbacks of that one `callback_id`
 * only, so code running in one validator cannot complete another run, and it reveals nothing of the
 * host's key.
 */
export function attemptCallbackCredential(workerKey: string, callbackId: string): string {
  const mac = createHmac("sha256", workerKey)
    .update(`validibot.attempt-callback.v1\0${callbackId}`, "utf8")
    .digest("base64url");
  return `${ATTEMPT_CREDENTIAL_PREFIX}${mac}`;
}
