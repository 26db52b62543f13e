import { RE2JS } from "@bufbuild/re2";
import type { Assertion, AssertionScalar } from "@validibot/contracts";
import { AssertionEvalError } from "./errors";

/** A compiled `matches` pattern: RE2 semantics, linear-time matching (no catastrophic backtracking). */
export function compilePattern(
  pattern: string,
): { test(text: string): boolean } | { error: string } {
  try {
    return new RE2JS(pattern);
  } catch (error) {
    return { error: `bad regular expression: ${(error as Error).message}` };
  }
}

function isScalar(value: unknown): value is AssertionScalar {
  return value === null || ["string", "number", "boolean"].includes(typeof value);
}

function number(value: unknown, operator: string): number {
  if (typeof value !== "number") {
    throw new AssertionEvalError(
      `operator ${operator} needs a number, the target is ${kindOf(value)}`,
    );
  }
  return value;
}

/** `number`, `string`, `list`, `object`, ... as a message says it. */
export function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "an object";
  return `a ${typeof value}`;
}

function ordered(actual: unknown, expected: unknown, operator: string): number {
  if (typeof actual === "number" && typeof expected === "number") return actual - expected;
  if (typeof actual === "string" && typeof expected === "string") {
    return actual < expected ? -1 : actual > expected ? 1 : 0;
  }
  throw new AssertionEvalError(
    `operator ${operator} compares ${kindOf(expected)} with ${kindOf(actual)}`,
  );
}

/**
 * Whether a basic assertion holds for the target's value. A value of the wrong kind is an
 * evaluation error (an `assertion.error` finding), never a quiet pass or fail.
 */
export function checkOperator(
  assertion: Assertion,
  actual: unknown,
  pattern: { test(text: string): boolean } | null,
): boolean {
  const op = assertion.operator;
  switch (op) {
    case "exists":
      return true;
    case "eq":
    case "ne": {
      if (!isScalar(actual))
        throw new AssertionEvalError(
          `operator ${op} compares scalars, the target is ${kindOf(actual)}`,
        );
      const equal = actual === assertion.value;
      return op === "eq" ? equal : !equal;
    }
    case "lt":
      return ordered(actual, assertion.value, op) < 0;
    case "le":
      return ordered(actual, assertion.value, op) <= 0;
    case "gt":
      return ordered(actual, assertion.value, op) > 0;
    case "ge":
      return ordered(actual, assertion.value, op) >= 0;
    case "between": {
      const v = number(actual, op);
      const min = assertion.min as number;
      const max = assertion.max as number;
      return assertion.inclusive === false ? v > min && v < max : v >= min && v <= max;
    }
    case "in":
    case "not_in": {
      if (!isScalar(actual))
        throw new AssertionEvalError(
          `operator ${op} looks up a scalar, the target is ${kindOf(actual)}`,
        );
      const found = (assertion.values ?? []).includes(actual);
      return op === "in" ? found : !found;
    }
    case "matches": {
      if (typeof actual !== "string")
        throw new AssertionEvalError(
          `operator matches needs a string, the target is ${kindOf(actual)}`,
        );
      if (!pattern) throw new AssertionEvalError("no compiled pattern");
      return pattern.test(actual);
    }
    case "approx": {
      const v = number(actual, op);
      const expected = assertion.value as number;
      const tolerance = Math.max(
        assertion.abs_tol ?? 0,
        (assertion.rel_tol ?? 0) * Math.max(Math.abs(v), Math.abs(expected)),
      );
      return Math.abs(v - expected) <= tolerance;
    }
    default:
      throw new AssertionEvalError(`no operator ${String(op)}`);
  }
}

/** The default failure message of a basic assertion: what was found and what was expected. */
export function expectationOf(assertion: Assertion): string {
  switch (assertion.operator) {
    case "exists":
      return "to exist";
    case "eq":
      return `to equal ${JSON.stringify(assertion.value)}`;
    case "ne":
      return `not to equal ${JSON.stringify(assertion.value)}`;
    case "lt":
      return `below ${JSON.stringify(assertion.value)}`;
    case "le":
      return `at most ${JSON.stringify(assertion.value)}`;
    case "gt":
      return `above ${JSON.stringify(assertion.value)}`;
    case "ge":
      return `at least ${JSON.stringify(assertion.value)}`;
    case "between":
      return `between ${assertion.min} and ${assertion.max}${assertion.inclusive === false ? " (exclusive)" : ""}`;
    case "in":
      return `one of ${JSON.stringify(assertion.values)}`;
    case "not_in":
      return `none of ${JSON.stringify(assertion.values)}`;
    case "matches":
      return `to match /${assertion.pattern}/`;
    case "approx":
      return `approximately ${assertion.value} (abs_tol ${assertion.abs_tol ?? 0}, rel_tol ${assertion.rel_tol ?? 0})`;
    default:
      return "";
  }
}
