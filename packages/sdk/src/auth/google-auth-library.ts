import { ValidibotError } from "@validibot/contracts";

/**
 * The part of google-auth-library's `OAuth2Client` the ID-token authenticator uses, typed
 * structurally so the SDK's types do not require the optional peer to be installed.
 */
export interface IdTokenVerifier {
  verifySignedJwtWithCertsAsync(
    jwt: string,
    certs: Record<string, string>,
    requiredAudience?: string | string[],
    issuers?: string[],
    maxExpiry?: number,
  ): Promise<{ getPayload(): object | undefined }>;
}

type Importer = () => Promise<{ OAuth2Client: new () => IdTokenVerifier }>;

/**
 * Loads google-auth-library (an optional peer dependency) and makes an `OAuth2Client`.
 * Throws `internal_error` with an install hint when the package is absent.
 */
export async function createGoogleVerifier(
  importer: Importer = () => import("google-auth-library"),
): Promise<IdTokenVerifier> {
  let library: Awaited<ReturnType<Importer>>;
  try {
    library = await importer();
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") {
      throw new ValidibotError(
        "internal_error",
        "GoogleIdTokenAuthenticator needs the optional peer dependency google-auth-library: npm install google-auth-library",
        { cause: error },
      );
    }
    throw error;
  }
  return new library.OAuth2Client();
}
