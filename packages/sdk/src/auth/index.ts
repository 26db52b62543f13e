export { ATTEMPT_CREDENTIAL_PREFIX, attemptCallbackCredential } from "./attempt-credential";
export { callbackAudienceFor } from "./audience";
export type { IdTokenVerifier } from "./google-auth-library";
export { GOOGLE_CERTS_URL } from "./google-certs";
export {
  GOOGLE_ISSUERS,
  GoogleIdTokenAuthenticator,
  type GoogleIdTokenAuthenticatorOptions,
  MAX_CLOCK_SKEW_SECONDS,
} from "./google-id-token";
export type {
  CallbackAuthContext,
  CallbackAuthenticator,
  CallbackPrincipal,
  RequestHeaders,
} from "./types";
export {
  MIN_WORKER_KEY_LENGTH,
  WorkerKeyAuthenticator,
  type WorkerKeyAuthenticatorOptions,
} from "./worker-key";
