import { ValidatorType } from "@validibot/contracts";
import type { Validator, ValidatorSpec } from "./types";

/**
 * Declares a validator: checks the spec once, up front, so a typo in `type` or a missing `run`
 * fails when the module loads rather than halfway through an attempt.
 */
export function defineValidator<I = Record<string, unknown>>(spec: ValidatorSpec<I>): Validator<I> {
  const type = ValidatorType.safeParse(spec?.type);
  if (!type.success) {
    throw new TypeError(
      `defineValidator: type must be one of ${ValidatorType.options.join(", ")}; got ${JSON.stringify(spec?.type)}`,
    );
  }
  if (typeof spec.version !== "string" || spec.version.length === 0) {
    throw new TypeError("defineValidator: version must be a non-empty string");
  }
  if (typeof spec.run !== "function") {
    throw new TypeError("defineValidator: run(ctx) must be a function");
  }
  return Object.freeze({ ...spec, kind: "validibot.validator" as const });
}

/**
 * Whether `value` is a validator made by `defineValidator`, also across two copies of this
 * package (a validator module may bundle its own).
 */
export function isValidator(value: unknown): value is Validator<unknown> {
  return (
    value !== null &&
    typeof value === "object" &&
    (value as { kind?: unknown }).kind === "validibot.validator" &&
    typeof (value as { run?: unknown }).run === "function" &&
    ValidatorType.safeParse((value as { type?: unknown }).type).success
  );
}
