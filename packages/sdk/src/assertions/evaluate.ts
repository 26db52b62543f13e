import type { AssertionCounts, AssertionResult, AssertionStage } from "@validibot/contracts";
import { estimateCost } from "./cel-check";
import { withScope } from "./cel-functions";
import { assertionsOf, type CompiledAssertion, type CompiledRulesets } from "./compile";
import { AssertionEvalError } from "./errors";
import { checkOperator, expectationOf } from "./operators";
import { lookupPath } from "./path";
import { type InputSignals, type OutputSignals, type SeriesLoader, sizeBound } from "./signals";
import { renderTemplate } from "./template";

/** Default evaluation cost limit of one expression, in steps (a node, or one list element read). */
export const DEFAULT_COST_LIMIT = 10_000_000;

/** How a stage is evaluated. */
export interface EvaluateOptions {
  /** Reads `series()` columns; absent: `series()` errors. Called at most once per call. */
  loadSeries?: SeriesLoader;
  /** Cost limit of one expression, in steps. Default: `DEFAULT_COST_LIMIT`. */
  costLimit?: number;
}

function shown(value: unknown): string {
  return typeof value === "string"
    ? JSON.stringify(value)
    : (JSON.stringify(value) ?? String(value));
}

/**
 * Evaluates the assertions of `stage` against the signals. Never throws for an assertion's sake:
 * one that cannot be evaluated (missing signal, wrong type, cost limit) is `errored` with the
 * reason. Series are read once, and only when an assertion of the stage uses `series()`.
 */
export async function evaluateStage(
  compiled: CompiledRulesets,
  stage: AssertionStage,
  signals: InputSignals | OutputSignals,
  options: EvaluateOptions = {},
): Promise<AssertionResult[]> {
  const assertions = assertionsOf(compiled, stage);
  if (assertions.length === 0) return [];
  const wanted = new Set<string>();
  for (const a of assertions) {
    for (const program of [a.when, a.cel])
      for (const name of program?.shape.series ?? []) wanted.add(name);
  }
  let series: ReadonlyMap<string, readonly number[]> = new Map();
  let seriesError: string | null = null;
  if (wanted.size > 0) {
    if (!options.loadSeries) seriesError = "no time series is available here";
    else {
      try {
        series = await options.loadSeries([...wanted]);
      } catch (error) {
        seriesError = `reading the time series failed: ${(error as Error).message}`;
      }
    }
  }
  const bindings = signals as unknown as Record<string, unknown>;
  let bound = sizeBound(bindings);
  for (const column of series.values()) bound = Math.max(bound, column.length);
  const limit = options.costLimit ?? DEFAULT_COST_LIMIT;
  const context: EvaluationContext = { bindings, series, seriesError, bound, limit };
  return assertions.map((a) => evaluateOne(a, context));
}

interface EvaluationContext {
  bindings: Record<string, unknown>;
  series: ReadonlyMap<string, readonly number[]>;
  seriesError: string | null;
  bound: number;
  limit: number;
}

function runProgram(
  program: NonNullable<CompiledAssertion["cel"]>,
  context: EvaluationContext,
  which: "run" | "left" = "run",
): unknown {
  if (program.shape.series.size > 0 && context.seriesError)
    throw new AssertionEvalError(context.seriesError);
  const estimate = estimateCost(program.shape.cost, context.bound);
  if (estimate > context.limit) {
    throw new AssertionEvalError(
      `evaluation cost limit exceeded: about ${estimate.toExponential(1)} steps over lists of up to ${context.bound}, limit ${context.limit}`,
    );
  }
  const scope = { series: context.series, budget: context.limit };
  const fn = which === "left" ? program.left : program.run;
  if (!fn) return undefined;
  const result = withScope(scope, () => fn(context.bindings));
  // A helper that ran out of budget may have been absorbed by `||`: still an error.
  if (scope.budget < 0) throw new AssertionEvalError("evaluation cost limit exceeded");
  return result;
}

function evaluateOne(compiled: CompiledAssertion, context: EvaluationContext): AssertionResult {
  const { assertion } = compiled;
  const base = {
    ruleset_id: compiled.ruleset_id,
    assertion_id: assertion.id,
    stage: assertion.stage,
    severity: assertion.severity,
    path: assertion.target ?? assertion.cel ?? "",
  };
  try {
    if (compiled.when) {
      const guard = runProgram(compiled.when, context);
      if (typeof guard !== "boolean")
        throw new AssertionEvalError(`when gave ${shown(guard)}, not a bool`);
      if (!guard) return { ...base, outcome: "skipped", message: null };
    }
    let value: unknown;
    let holds: boolean;
    let fallback: string;
    if (compiled.cel) {
      const result = runProgram(compiled.cel, context);
      if (typeof result !== "boolean")
        throw new AssertionEvalError(`the expression gave ${shown(result)}, not a bool`);
      holds = result;
      value = result;
      if (!holds && compiled.cel.left) {
        try {
          value = runProgram(compiled.cel, context, "left");
        } catch {
          value = result;
        }
      }
      fallback = `assertion ${assertion.id} failed: ${assertion.cel}${value === false ? "" : ` (left side was ${shown(value)})`}`;
    } else {
      const target = compiled.target;
      if (!target) throw new AssertionEvalError("no target");
      const found = lookupPath(context.bindings[target.root], target.root, target.segments);
      if (!found.found) {
        if (assertion.operator === "exists") {
          return {
            ...base,
            outcome: "failed",
            message: message(compiled, undefined, context, `${assertion.target} does not exist`),
          };
        }
        throw new AssertionEvalError(`${assertion.target} is missing (no ${found.missing})`);
      }
      value = found.value;
      holds = checkOperator(assertion, value, compiled.pattern);
      fallback = `${assertion.target} is ${shown(value)}; expected ${expectationOf(assertion)}`;
    }
    if (holds) return { ...base, outcome: "passed", message: null };
    return { ...base, outcome: "failed", message: message(compiled, value, context, fallback) };
  } catch (error) {
    const reason =
      error instanceof AssertionEvalError
        ? error.message
        : `unexpected: ${(error as Error).message}`;
    return {
      ...base,
      outcome: "errored",
      message: `assertion ${assertion.id} could not be evaluated: ${reason}`,
    };
  }
}

function message(
  compiled: CompiledAssertion,
  value: unknown,
  context: EvaluationContext,
  fallback: string,
): string {
  if (!compiled.template) return fallback;
  const { assertion } = compiled;
  const vars: Record<string, unknown> = {
    value,
    id: assertion.id,
    target: assertion.target,
    operator: assertion.operator,
    severity: assertion.severity,
    expected: assertion.value,
    min: assertion.min,
    max: assertion.max,
    values: assertion.values,
    pattern: assertion.pattern,
    abs_tol: assertion.abs_tol,
    rel_tol: assertion.rel_tol,
  };
  for (const key of Object.keys(vars))
    if (vars[key] === undefined && key !== "value") delete vars[key];
  return renderTemplate(compiled.template, vars, context.bindings);
}

/** Counts of results by outcome. */
export function countResults(results: readonly AssertionResult[]): AssertionCounts {
  const counts: AssertionCounts = { passed: 0, failed: 0, skipped: 0, errored: 0 };
  for (const r of results) counts[r.outcome]++;
  return counts;
}

/** Whether any `ERROR` assertion failed or errored: the run then ends FAILED / VALIDATION_FAILED. */
export function blocks(results: readonly AssertionResult[]): boolean {
  return results.some(
    (r) => r.severity === "ERROR" && (r.outcome === "failed" || r.outcome === "errored"),
  );
}
