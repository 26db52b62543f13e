import { isValidibotError, ValidibotError } from "@validibot/contracts";
import { sendError } from "@validibot/sdk/express";
import type { ErrorRequestHandler, RequestHandler } from "express";
import type { ZodError } from "zod";
import { formatPath } from "../settings-error";

/** `invalid_request` naming each bad field of a zod error, e.g. `query.limit: must be at most 200`. */
export function invalidRequest(where: string, error: ZodError): ValidibotError {
  const issues = error.issues.map(
    (issue) => `${formatPath([where, ...issue.path])}: ${issue.message}`,
  );
  return new ValidibotError("invalid_request", issues.join("; "));
}

/** The answer to any path nothing else took: 404 `route_not_found` with the contract's error body. */
export const unknownRoute: RequestHandler = (req, res) => {
  sendError(res, new ValidibotError("route_not_found", `no route ${req.method} ${req.path}`));
};

/**
 * The last error handler: every error as the contract's body with its code's status; Express's
 * own 4xx refusals as `invalid_request` (413: `payload_too_large`); unknown errors as
 * `internal_error` (logged with their stack, never sent).
 */
export function errorHandler(log: (error: unknown) => void): ErrorRequestHandler {
  return (error, _req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const status = (error as { status?: unknown }).status;
    if (!isValidibotError(error) && typeof status === "number" && status >= 400 && status < 500) {
      // Express's own refusals (a path it cannot decode, ...): the client's fault, said with a code.
      const code = status === 413 ? "payload_too_large" : "invalid_request";
      sendError(res, new ValidibotError(code, (error as Error).message || "bad request"));
      return;
    }
    if (!isValidibotError(error)) log(error);
    sendError(res, error);
  };
}
