import { z } from "zod";
import { Severity } from "./enums";

/** Most assertions one ruleset may hold (a limit against abuse). */
export const RULESET_MAX_ASSERTIONS = 200;

/** Most UTF-8 bytes of one expression: a `cel`, a `when`, a `target`, a `pattern` or a `message`. */
export const RULESET_MAX_EXPRESSION_BYTES = 4096;

/**
 * Pattern of an assertion's or a ruleset's id: 1 to 128 characters of letters, digits and
 * `_ . : -`, starting with a letter or digit, so it reads the same in tags (`assertion:<id>`).
 */
export const RULESET_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;

/**
 * Pattern of a basic assertion's `target`: a signal name, then `.name`, `[index]` or
 * `['key']` / `["key"]` segments (metric names contain dots: `metrics['fmu.execution_seconds']`).
 */
export const ASSERTION_TARGET_PATTERN =
  /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*|\[[0-9]+\]|\['(?:[^'\\]|\\.)*'\]|\["(?:[^"\\]|\\.)*"\])*$/;

/**
 * When an assertion runs: `input` at submit, before launch (a failed `ERROR` keeps the run from
 * launching), or `output` when the validator's output envelope is processed.
 */
export const AssertionStage = z.enum(["input", "output"]);
/** When an assertion runs. */
export type AssertionStage = z.infer<typeof AssertionStage>;

/**
 * A basic assertion's comparison of its target with its operands: `eq` `ne` `lt` `le` `gt` `ge`
 * (`value`), `between` (`min`, `max`, `inclusive`), `in` / `not_in` (`values`), `matches`
 * (`pattern`, linear-time regular expression), `exists`, `approx` (`value`, `abs_tol` / `rel_tol`).
 */
export const AssertionOperator = z.enum([
  "eq",
  "ne",
  "lt",
  "le",
  "gt",
  "ge",
  "between",
  "in",
  "not_in",
  "matches",
  "exists",
  "approx",
]);
/** A basic assertion's comparison. */
export type AssertionOperator = z.infer<typeof AssertionOperator>;

/** A JSON scalar an operand may be: string, number, boolean or null. */
export const AssertionScalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
/** A JSON scalar an operand may be. */
export type AssertionScalar = z.infer<typeof AssertionScalar>;

/** Which operands each operator takes (required, then optional); any other operand is refused. */
const OPERANDS: Record<
  AssertionOperator,
  { required: readonly OperandKey[]; optional: readonly OperandKey[] }
> = {
  eq: { required: ["value"], optional: [] },
  ne: { required: ["value"], optional: [] },
  lt: { required: ["value"], optional: [] },
  le: { required: ["value"], optional: [] },
  gt: { required: ["value"], optional: [] },
  ge: { required: ["value"], optional: [] },
  between: { required: ["min", "max"], optional: ["inclusive"] },
  in: { required: ["values"], optional: [] },
  not_in: { required: ["values"], optional: [] },
  matches: { required: ["pattern"], optional: [] },
  exists: { required: [], optional: [] },
  approx: { required: ["value"], optional: ["abs_tol", "rel_tol"] },
};

const OPERAND_KEYS = [
  "value",
  "min",
  "max",
  "inclusive",
  "values",
  "pattern",
  "abs_tol",
  "rel_tol",
] as const;
type OperandKey = (typeof OPERAND_KEYS)[number];

const utf8 = new TextEncoder();

/** A string of at most `RULESET_MAX_EXPRESSION_BYTES` UTF-8 bytes, optionally of a pattern. */
function expression(pattern?: { regex: RegExp; message: string }) {
  const text = z.string().min(1).max(RULESET_MAX_EXPRESSION_BYTES);
  return (pattern ? text.regex(pattern.regex, pattern.message) : text).refine(
    (value) => utf8.encode(value).length <= RULESET_MAX_EXPRESSION_BYTES,
    { message: `must be at most ${RULESET_MAX_EXPRESSION_BYTES} bytes` },
  );
}

const AssertionFields = z
  .object({
    id: z
      .string()
      .regex(
        RULESET_ID_PATTERN,
        "must be 1-128 of [A-Za-z0-9_.:-], starting with a letter or digit",
      ),
    stage: AssertionStage.default("output"),
    severity: Severity.default("ERROR"),
    when: expression().optional(),
    message: expression().optional(),
    target: expression({
      regex: ASSERTION_TARGET_PATTERN,
      message: "must be a path like outputs.a.b, x[0] or metrics['a.b']",
    }).optional(),
    operator: AssertionOperator.optional(),
    value: AssertionScalar.optional(),
    min: z.number().optional(),
    max: z.number().optional(),
    inclusive: z.boolean().optional(),
    values: z.array(AssertionScalar).min(1).max(1000).optional(),
    pattern: expression().optional(),
    abs_tol: z.number().min(0).optional(),
    rel_tol: z.number().min(0).optional(),
    cel: expression().optional(),
  })
  .strict();

/**
 * One check of a ruleset: `id`, `stage` (default `output`), `severity` (default `ERROR`), an
 * optional `when` guard (CEL, must be true for the assertion to run), an optional `message`
 * template (`{{ value | round(3) }}`), and exactly one of a basic check (`target` + `operator`
 * with that operator's operands) or a CEL check (`cel`, an expression that must be true).
 */
export const Assertion = AssertionFields.superRefine((assertion, ctx) => {
  const hasTarget = assertion.target !== undefined;
  const hasCel = assertion.cel !== undefined;
  const present = OPERAND_KEYS.filter((key) => assertion[key] !== undefined);
  if (hasTarget === hasCel) {
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      path: [hasCel ? "cel" : "target"],
      message: "an assertion has exactly one of `target` (with `operator`) or `cel`",
    });
    return;
  }
  if (hasCel) {
    if (assertion.operator !== undefined) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ["operator"],
        message: "a `cel` assertion takes no operator",
      });
    }
    for (const key of present) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: [key],
        message: "a `cel` assertion takes no operands",
      });
    }
    return;
  }
  const operator = assertion.operator;
  if (operator === undefined) {
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      path: ["operator"],
      message: "a `target` assertion needs an `operator`",
    });
    return;
  }
  const { required, optional } = OPERANDS[operator];
  for (const key of required) {
    if (assertion[key] === undefined) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: [key],
        message: `operator \`${operator}\` needs \`${key}\``,
      });
    }
  }
  for (const key of present) {
    if (!required.includes(key) && !optional.includes(key)) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: [key],
        message: `operator \`${operator}\` takes no \`${key}\``,
      });
    }
  }
  if (["lt", "le", "gt", "ge"].includes(operator) && assertion.value !== undefined) {
    if (typeof assertion.value !== "number" && typeof assertion.value !== "string") {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ["value"],
        message: `operator \`${operator}\` compares a number or a string`,
      });
    }
  }
  if (operator === "approx") {
    if (assertion.value !== undefined && typeof assertion.value !== "number") {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ["value"],
        message: "operator `approx` compares a number",
      });
    }
    if (assertion.abs_tol === undefined && assertion.rel_tol === undefined) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ["abs_tol"],
        message: "operator `approx` needs `abs_tol` and/or `rel_tol`",
      });
    }
  }
  if (
    operator === "between" &&
    assertion.min !== undefined &&
    assertion.max !== undefined &&
    assertion.min > assertion.max
  ) {
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      path: ["max"],
      message: "`max` must not be below `min`",
    });
  }
});
/** One check of a ruleset (after defaults: `stage` and `severity` are always set). */
export type Assertion = z.infer<typeof Assertion>;
/** One check of a ruleset as written (before defaults). */
export type AssertionInput = z.input<typeof Assertion>;

/**
 * A ruleset document: an `id` and up to `RULESET_MAX_ASSERTIONS` assertions with unique ids.
 * Comes from a validator's definition (its default ruleset) and from a submission; both apply,
 * default first. Whether each `cel` / `when` / `pattern` compiles is checked by the engine
 * (`@validibot/sdk/assertions`), which reports the position of the error.
 */
export const Ruleset = z
  .object({
    id: z
      .string()
      .regex(
        RULESET_ID_PATTERN,
        "must be 1-128 of [A-Za-z0-9_.:-], starting with a letter or digit",
      ),
    assertions: z.array(Assertion).max(RULESET_MAX_ASSERTIONS),
  })
  .strict()
  .superRefine((ruleset, ctx) => {
    const seen = new Set<string>();
    for (const [index, assertion] of ruleset.assertions.entries()) {
      if (seen.has(assertion.id)) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ["assertions", index, "id"],
          message: `duplicate assertion id \`${assertion.id}\``,
        });
      }
      seen.add(assertion.id);
    }
  });
/** A ruleset document (after defaults). */
export type Ruleset = z.infer<typeof Ruleset>;
/** A ruleset document as written (before defaults). */
export type RulesetInput = z.input<typeof Ruleset>;

/**
 * How one assertion came out: `passed`, `failed` (its check was false), `skipped` (its `when`
 * was false, or its stage never ran), `errored` (it could not be evaluated).
 */
export const AssertionOutcome = z.enum(["passed", "failed", "skipped", "errored"]);
/** How one assertion came out. */
export type AssertionOutcome = z.infer<typeof AssertionOutcome>;

/** One assertion's result on a run, as the run keeps it and the runs API shows it. */
export const AssertionResult = z.object({
  ruleset_id: z.string(),
  assertion_id: z.string(),
  stage: AssertionStage,
  severity: Severity,
  outcome: AssertionOutcome,
  /** The target, or the CEL expression. */
  path: z.string(),
  /** The rendered message of a failure, or the reason of an error; null otherwise. */
  message: z.string().nullable(),
});
/** One assertion's result on a run. */
export type AssertionResult = z.infer<typeof AssertionResult>;

/** How many of a run's assertions passed, failed, were skipped or could not be evaluated. */
export const AssertionCounts = z.object({
  passed: z.number().int().min(0),
  failed: z.number().int().min(0),
  skipped: z.number().int().min(0),
  errored: z.number().int().min(0),
});
/** How many of a run's assertions passed, failed, were skipped or errored. */
export type AssertionCounts = z.infer<typeof AssertionCounts>;
