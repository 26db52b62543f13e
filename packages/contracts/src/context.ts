import { z } from "zod";
import { callbackNonceCommitment } from "./canonical";
import { ATTEMPT_CONTRACT_VERSION } from "./enums";
import { CallbackNonce, HttpUrl, Sha256Hex } from "./primitives";

/**
 * Everything about one execution attempt: identity, where the output goes, and how to call back.
 * Enforces rule 3: nonce and commitment together and matching; `callback_id` and the nonce pair
 * required whenever callbacks are enabled (`callback_url` set and `skip_callback` false).
 */
export const ExecutionContext = z
  .object({
    execution_attempt_id: z.string().min(1),
    step_run_id: z.string().min(1),
    attempt_contract_version: z.literal(ATTEMPT_CONTRACT_VERSION),
    expected_output_uri: z.string().min(1),
    callback_id: z.string().nullable().default(null),
    callback_nonce: CallbackNonce.nullable().default(null),
    callback_nonce_commitment: Sha256Hex.nullable().default(null),
    callback_url: HttpUrl.nullable().default(null),
    skip_callback: z.boolean().default(false),
    execution_bundle_uri: z.string(),
    timeout_seconds: z.number().int().default(3600),
    tags: z.array(z.string()).default([]),
  })
  .strict()
  .superRefine((ctx, issues) => {
    const hasNonce = ctx.callback_nonce !== null;
    const hasCommitment = ctx.callback_nonce_commitment !== null;
    if (hasNonce !== hasCommitment) {
      issues.addIssue({
        code: z.ZodIssueCode.custom,
        path: [hasNonce ? "callback_nonce_commitment" : "callback_nonce"],
        message: "callback_nonce and callback_nonce_commitment must be given together",
      });
    } else if (
      ctx.callback_nonce !== null &&
      callbackNonceCommitment(ctx.callback_nonce) !== ctx.callback_nonce_commitment
    ) {
      issues.addIssue({
        code: z.ZodIssueCode.custom,
        path: ["callback_nonce_commitment"],
        message: "callback_nonce_commitment does not match callback_nonce",
      });
    }
    if (ctx.callback_url !== null && !ctx.skip_callback) {
      if (!ctx.callback_id) {
        issues.addIssue({
          code: z.ZodIssueCode.custom,
          path: ["callback_id"],
          message: "callback_id is required when callbacks are enabled",
        });
      }
      if (!hasNonce) {
        issues.addIssue({
          code: z.ZodIssueCode.custom,
          path: ["callback_nonce"],
          message: "callback_nonce and its commitment are required when callbacks are enabled",
        });
      }
    }
  });
/** Everything about one execution attempt. */
export type ExecutionContext = z.infer<typeof ExecutionContext>;

/** Whether the validator must post a callback for this context. */
export function callbacksEnabled(ctx: Pick<ExecutionContext, "callback_url" | "skip_callback">) {
  return ctx.callback_url !== null && !ctx.skip_callback;
}
