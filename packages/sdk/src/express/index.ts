import {
  CALLBACK_PATH,
  type ErrorBody,
  isValidibotError,
  ValidibotError,
} from "@validibot/contracts";
import express, { type ErrorRequestHandler, type Response, type Router } from "express";
import { requestHeaders } from "../auth/authorization-header";
import type { CallbackRequest, CallbackResponse } from "../service/callback";

/** Anything that handles callbacks framework-free: a `ValidationService`. */
export interface CallbackHandler {
  handleCallback(request: CallbackRequest): Promise<CallbackResponse>;
}

/** Options of `callbackRouter`. */
export interface CallbackRouterOptions {
  /** The largest callback body accepted (a callback is five short fields). Default: `64kb`. */
  limit?: string | number;
  /** Where the endpoint is mounted. Default: Validibot's `/api/v1/validation-callbacks/`. */
  path?: string;
}

/** `Retry-After` of a 503 answer that names no wait of its own, in seconds. */
export const DEFAULT_RETRY_AFTER_SECONDS = 5;

/**
 * The `Retry-After` seconds of a 503 answer: the error's `details.retry_after_seconds` when it
 * names one, else `DEFAULT_RETRY_AFTER_SECONDS`; null for any other status. A 503 (a store or
 * storage unavailable, a full disk, a busy server) always says when to retry, so clients and
 * callback senders back off and try again instead of giving up.
 */
export function retryAfterOf(status: number, details?: Record<string, unknown>): number | null {
  if (status !== 503) return null;
  const seconds = details?.retry_after_seconds;
  return typeof seconds === "number" && Number.isSafeInteger(seconds) && seconds > 0
    ? seconds
    : DEFAULT_RETRY_AFTER_SECONDS;
}

/** Sends a `ValidibotError` (or anything thrown) as the contract's error body; a 503 with `Retry-After`. */
export function sendError(res: Response, error: unknown): void {
  const known = isValidibotError(error)
    ? error
    : new ValidibotError("internal_error", "internal error", { cause: error });
  const body: ErrorBody = known.toBody();
  const retryAfter = retryAfterOf(known.status, known.details);
  if (retryAfter !== null) res.setHeader("retry-after", String(retryAfter));
  res.status(known.status).json(body);
}

const bodyErrors: ErrorRequestHandler = (error, _req, res, next) => {
  const type = (error as { type?: unknown }).type;
  if (type === "entity.too.large") {
    sendError(res, new ValidibotError("payload_too_large", "the callback body is too large"));
    return;
  }
  if (typeof type === "string" && type.startsWith("encoding.")) {
    sendError(
      res,
      new ValidibotError("invalid_request", "the callback body's encoding is not supported"),
    );
    return;
  }
  next(error);
};

/**
 * An Express 5 router with the callback endpoint: raw body with a size limit, handed to
 * `handleCallback`, answered with its status and body. Every error is the contract's error body.
 */
export function callbackRouter(
  handler: CallbackHandler,
  options: CallbackRouterOptions = {},
): Router {
  const router = express.Router();
  router.post(
    options.path ?? CALLBACK_PATH,
    express.raw({ type: () => true, limit: options.limit ?? "64kb" }),
    async (req, res) => {
      const body: unknown = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const response = await handler.handleCallback({ headers: requestHeaders(req), body });
      // A 503 (store or storage unavailable, a full disk): the sender retries after this.
      const retryAfter = retryAfterOf(response.status);
      if (retryAfter !== null) res.setHeader("retry-after", String(retryAfter));
      res.status(response.status).json(response.body);
    },
  );
  router.use(bodyErrors);
  return router;
}
