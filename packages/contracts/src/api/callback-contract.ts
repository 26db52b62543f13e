import { initContract } from "@ts-rest/core";
import { z } from "zod";
import { ValidationCallback } from "../callback";
import { ErrorBody } from "../errors";

const c = initContract();

/** How the host answered an accepted callback: processed now, a replay, or late for a finished run. */
export const CallbackAccepted = z.object({
  status: z.enum(["accepted", "idempotent_replayed", "late_callback_ignored"]),
});
/** How the host answered an accepted callback. */
export type CallbackAccepted = z.infer<typeof CallbackAccepted>;

/** Validibot's callback path, which peers post to. */
export const CALLBACK_PATH = "/api/v1/validation-callbacks/";

/** The callback endpoint a validator posts to (ts-rest contract). */
export const callbackContract = c.router({
  postCallback: {
    method: "POST",
    path: CALLBACK_PATH,
    body: ValidationCallback,
    responses: {
      200: CallbackAccepted,
      400: ErrorBody,
      401: ErrorBody,
      403: ErrorBody,
      404: ErrorBody,
      409: ErrorBody,
      413: ErrorBody,
    },
    summary: "Deliver a validator's result",
    strictStatusCodes: true,
  },
});
