import { ErrorBody, ValidibotError } from "@validibot/contracts";

function snippetOf(body: unknown): string {
  if (body === undefined || body === null || body === "") return "";
  const text = typeof body === "string" ? body : JSON.stringify(body);
  return `: ${text.length > 200 ? `${text.slice(0, 200)}...` : text}`;
}

/**
 * The `ValidibotError` of an error answer: the contract's error body (`{ code, message }`) as
 * is, or `unexpected_response` when the body is not one (a proxy's HTML page, a newer server's
 * unknown code). `details.status` holds the HTTP status either way, and `details.run_id` the run
 * a failed submission had already created, when the server names one.
 */
export function errorFromResponse(status: number, body: unknown): ValidibotError {
  const parsed = ErrorBody.safeParse(body);
  if (parsed.success) {
    const { code, message, run_id } = parsed.data;
    return new ValidibotError(code, message, {
      details: run_id === undefined ? { status } : { status, run_id },
    });
  }
  return new ValidibotError(
    "unexpected_response",
    `the server answered HTTP ${status} without the contract's error body${snippetOf(body)}`,
    { details: { status } },
  );
}
