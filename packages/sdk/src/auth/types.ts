/** Request headers as Node and most frameworks give them: lowercase names. */
export type RequestHeaders = Record<string, string | string[] | undefined>;

/** Who a callback came from, once authenticated. */
export interface CallbackPrincipal {
  /** How it authenticated. */
  kind: "google-id-token" | "worker-key";
  /**
   * The service account email (ID tokens), `worker-key` (the shared key), or
   * `attempt:<callback id>` (a per-attempt credential).
   */
  subject: string;
}

/** What the host knows of a callback before authenticating it (read from its body, untrusted). */
export interface CallbackAuthContext {
  /** The body's `callback_id`, or null when the body has none (it is refused later). */
  callbackId: string | null;
}

/**
 * Authenticates a callback request from its headers (and, for credentials bound to one attempt,
 * the callback id it claims). Throws a `ValidibotError` with an `auth_*` code on any failure;
 * never returns a principal it did not verify.
 */
export interface CallbackAuthenticator {
  authenticate(headers: RequestHeaders, context?: CallbackAuthContext): Promise<CallbackPrincipal>;
}
