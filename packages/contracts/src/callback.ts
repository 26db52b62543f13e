import { z } from "zod";
import { ValidationStatus } from "./enums";
import { CallbackNonce } from "./primitives";

/**
 * The body a validator POSTs to `context.callback_url` when done: exactly these five fields.
 * The host trusts none of it until the nonce, `callback_id` and `result_uri` check out.
 */
export const ValidationCallback = z
  .object({
    run_id: z.string(),
    callback_id: z.string().min(1),
    callback_nonce: CallbackNonce,
    status: ValidationStatus,
    result_uri: z.string(),
  })
  .strict();
/** The body a validator POSTs when done. */
export type ValidationCallback = z.infer<typeof ValidationCallback>;
