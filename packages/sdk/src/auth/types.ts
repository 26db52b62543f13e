/** Request headers as Node and most frameworks give them: lowercase names. */
export type RequestHeaders = Record<string, string | string[] | undefined>;

/** Who a callback came from, once authenticated. */
export interface CallbackPrincipal {
  /** How it authenticated. */
  kind: "google-id-token" | "worker-key";
  /** The service account email (ID tokens) or `worker-key`. */
  subject: string;
}

/**
 * Authenticates a callback request from its headers. Throws a `ValidibotError` with an
 * `auth_*` code on any failure; never returns a principal it did not verify.
 */
export interface CallbackAuthenticator {
  authenticate(headers: RequestHeaders): Promise<CallbackPrincipal>;
}
