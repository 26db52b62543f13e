import { createHash, timingSafeEqual } from "node:crypto";
import { ValidibotError } from "@validibot/contracts";
import { credentialsFor } from "./authorization-header";
import type { CallbackAuthenticator, CallbackPrincipal, RequestHeaders } from "./types";

/** The shortest shared secret `WorkerKeyAuthenticator` accepts. */
export const MIN_WORKER_KEY_LENGTH = 16;

/** Options of `WorkerKeyAuthenticator`. */
export interface WorkerKeyAuthenticatorOptions {
  /** The shared secret (`WORKER_API_KEY` of the validator); at least 16 characters. */
  key: string;
}

/**
 * Authenticates self-hosted callbacks by `Authorization: Worker-Key <shared secret>`.
 * Both sides are hashed with SHA-256 before a constant-time comparison, so neither the
 * key's content nor its length leaks through timing.
 */
export class WorkerKeyAuthenticator implements CallbackAuthenticator {
  readonly #digest: Buffer;

  /** Throws when the key is shorter than `MIN_WORKER_KEY_LENGTH` or padded with whitespace. */
  constructor(options: WorkerKeyAuthenticatorOptions) {
    const key = options?.key;
    if (typeof key !== "string" || key.length < MIN_WORKER_KEY_LENGTH) {
      throw new Error(
        `WorkerKeyAuthenticator needs a key of at least ${MIN_WORKER_KEY_LENGTH} characters`,
      );
    }
    if (key.trim() !== key) {
      throw new Error("WorkerKeyAuthenticator key must not start or end with whitespace");
    }
    this.#digest = sha256(key);
  }

  /** Accepts the request if its Worker-Key equals the configured key. */
  async authenticate(headers: RequestHeaders): Promise<CallbackPrincipal> {
    const presented = credentialsFor(headers, "Worker-Key");
    if (!timingSafeEqual(sha256(presented), this.#digest)) {
      throw new ValidibotError("auth_invalid_worker_key", "the Worker-Key is not valid");
    }
    return { kind: "worker-key", subject: "worker-key" };
  }
}

function sha256(text: string): Buffer {
  return createHash("sha256").update(text, "utf8").digest();
}
