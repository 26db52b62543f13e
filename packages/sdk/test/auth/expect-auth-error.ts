import { type ErrorCode, isValidibotError } from "@validibot/contracts";
import type { CallbackAuthenticator, RequestHeaders } from "@validibot/sdk/auth";
import { expect } from "vitest";

/**
 * Asserts that `authenticator` rejects `headers` with `code`, and that nothing in the error
 * (message, details, cause) repeats the credentials it was given.
 */
export async function expectAuthError(
  authenticator: CallbackAuthenticator,
  headers: RequestHeaders,
  code: ErrorCode,
): Promise<void> {
  const error = await authenticator.authenticate(headers).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(isValidibotError(error), `expected a ValidibotError ${code}, got ${String(error)}`).toBe(
    true,
  );
  if (!isValidibotError(error)) return;
  expect(error.code).toBe(code);
  const credentials = String(headers.authorization ?? "")
    .split(/\s+/)
    .slice(1)
    .join(" ");
  if (credentials.length >= 8) {
    const seen = `${error.message} ${JSON.stringify(error.details ?? {})} ${String(error.cause ?? "")}`;
    expect(seen).not.toContain(credentials);
  }
}
