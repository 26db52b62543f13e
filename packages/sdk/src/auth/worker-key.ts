import { createHash, timingSafeEqual } from "node:crypto";
import { ValidibotError } from "@validibot/contracts";
import { ATTEMPT_CREDENTIAL_PREFIX, attemptCallbackCredential } from "./attempt-credential";
import { credentialsFor } from "./authorization-header";
import type {
  CallbackAuthContext,
  CallbackAuthenticator,
  CallbackPrincipal,
  RequestHeaders,
} from "./types";

/** The shortest shared secret `WorkerKeyAuthenticator` accepts. */
export const MIN_WORKER_KEY_LENGTH = 16;

/** Options of `WorkerKeyAuthenticator`. */
export interface WorkerKeyAuthenticatorOptions {
  /** The host's secret (`WORKER_API_KEY`); at least 16 characters. */
  key: string;
  /**
   * Accept the shared key itself, as Validibot's own containers and the contract's
   * `WORKER_API_KEY` send it. Default: true. Turn it off when every job is started by a launcher
   * that hands out per-attempt credentials (`LocalProcessLauncher`, `DockerLauncher`): then a
   * leaked job environment can complete no run but its own.
   */
  acceptSharedKey?: boolean;
}

/**
 * Authenticates self-hosted callbacks by `Authorization: Worker-Key <credential>`: the per-attempt
 * credential of the callback's `callback_id` (`attemptCallbackCredential(key, callback_id)`), or
 * the shared key when `acceptSharedKey` allows it. Every comparison hashes both sides with
 * SHA-256 and compares in constant time, so neither content nor length leaks through timing. A
 * credential made for another attempt is refused with `auth_invalid_worker_key`.
 */
export class WorkerKeyAuthenticator implements CallbackAuthenticator {
  readonly #key: string;
  readonly #digest: Buffer;
  readonly #acceptShared: boolean;

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
    this.#key = key;
    this.#digest = sha256(key);
    this.#acceptShared = options.acceptSharedKey ?? true;
  }

  /** Accepts the callback's own per-attempt credential, or the shared key if allowed. */
  async authenticate(
    headers: RequestHeaders,
    context?: CallbackAuthContext,
  ): Promise<CallbackPrincipal> {
    const presented = sha256(credentialsFor(headers, "Worker-Key"));
    const callbackId = context?.callbackId;
    if (typeof callbackId === "string" && callbackId.length > 0) {
      const own = sha256(attemptCallbackCredential(this.#key, callbackId));
      if (timingSafeEqual(presented, own)) {
        return { kind: "worker-key", subject: `attempt:${callbackId}` };
      }
    }
    if (this.#acceptShared && timingSafeEqual(presented, this.#digest)) {
      return { kind: "worker-key", subject: "worker-key" };
    }
    const raw = credentialsFor(headers, "Worker-Key");
    throw new ValidibotError(
      "auth_invalid_worker_key",
      raw.startsWith(ATTEMPT_CREDENTIAL_PREFIX)
        ? "the Worker-Key is not the credential of this callback_id"
        : "the Worker-Key is not valid",
    );
  }
}

function sha256(text: string): Buffer {
  return createHash("sha256").update(text, "utf8").digest();
}
