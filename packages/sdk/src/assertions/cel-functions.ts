import { type CelFunc, CelScalar, celFunc, isCelList, isCelUint, listType } from "@bufbuild/cel";
import { AssertionEvalError } from "./errors";

/**
 * The series columns and cost budget of the evaluation under way. CEL evaluation is synchronous,
 * so the one evaluation running sets this before it starts and clears it when it ends.
 */
export interface EvaluationScope {
  series: ReadonlyMap<string, readonly number[]>;
  /** Steps left for the functions below (each list element read costs one). */
  budget: number;
}

let scope: EvaluationScope | null = null;

/** Runs `fn` with `next` as the current scope (series columns and cost budget). */
export function withScope<T>(next: EvaluationScope, fn: () => T): T {
  const previous = scope;
  scope = next;
  try {
    return fn();
  } finally {
    scope = previous;
  }
}

function spend(steps: number): void {
  if (!scope) return;
  scope.budget -= steps;
  if (scope.budget < 0) throw new AssertionEvalError("evaluation cost limit exceeded");
}

/** The numbers of a CEL list; an element that is not a number is an error, never skipped. */
function numbersOf(list: unknown, fn: string): number[] {
  if (!isCelList(list) && !Array.isArray(list))
    throw new AssertionEvalError(`${fn}() takes a list`);
  const values: number[] = [];
  for (const item of list as Iterable<unknown>) {
    if (typeof item === "number") values.push(item);
    else if (typeof item === "bigint") values.push(Number(item));
    else if (isCelUint(item)) values.push(Number(item.value));
    else throw new AssertionEvalError(`${fn}() takes a list of numbers, got ${typeof item}`);
  }
  spend(values.length);
  return values;
}

function nonEmpty(values: number[], fn: string): number[] {
  if (values.length === 0) throw new AssertionEvalError(`${fn}() of an empty list`);
  return values;
}

function seriesColumn(name: string): number[] {
  const column = scope?.series.get(name);
  if (!column) throw new AssertionEvalError(`no time series column ${JSON.stringify(name)}`);
  spend(column.length);
  return column as number[];
}

/**
 * The nearest-rank-free percentile with linear interpolation between closest ranks (numpy's
 * default): `p` in [0, 100].
 */
export function percentileOf(values: number[], p: number): number {
  if (!(p >= 0 && p <= 100)) throw new AssertionEvalError(`percentile ${p} is not in [0, 100]`);
  const sorted = Float64Array.from(values).sort();
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  const a = sorted[low] ?? Number.NaN;
  const b = sorted[high] ?? Number.NaN;
  return a + (b - a) * (rank - low);
}

function toNumber(value: unknown): number {
  if (typeof value === "number") return value;
  if (typeof value === "bigint") return Number(value);
  if (isCelUint(value)) return Number(value.value);
  throw new AssertionEvalError("percentile() takes a number as p");
}

const LIST = listType(CelScalar.DYN);

/** The ruleset helpers: `series(name)`, and `min`, `max`, `mean`, `last`, `percentile` over lists. */
export const RULESET_FUNCTIONS: CelFunc[] = [
  celFunc("series", [CelScalar.STRING], listType(CelScalar.DOUBLE), (name) => seriesColumn(name)),
  celFunc("min", [LIST], CelScalar.DOUBLE, (list) => {
    let low = Number.POSITIVE_INFINITY;
    for (const v of nonEmpty(numbersOf(list, "min"), "min")) if (v < low) low = v;
    return low;
  }),
  celFunc("max", [LIST], CelScalar.DOUBLE, (list) => {
    let high = Number.NEGATIVE_INFINITY;
    for (const v of nonEmpty(numbersOf(list, "max"), "max")) if (v > high) high = v;
    return high;
  }),
  celFunc("mean", [LIST], CelScalar.DOUBLE, (list) => {
    const values = nonEmpty(numbersOf(list, "mean"), "mean");
    let sum = 0;
    for (const v of values) sum += v;
    return sum / values.length;
  }),
  celFunc("last", [LIST], CelScalar.DOUBLE, (list) => {
    const values = nonEmpty(numbersOf(list, "last"), "last");
    return values[values.length - 1] as number;
  }),
  celFunc("percentile", [LIST, CelScalar.DYN], CelScalar.DOUBLE, (list, p) =>
    percentileOf(nonEmpty(numbersOf(list, "percentile"), "percentile"), toNumber(p)),
  ),
];

/** Names of the helpers above, for the static check of function names. */
export const RULESET_FUNCTION_NAMES = new Set([
  "series",
  "min",
  "max",
  "mean",
  "last",
  "percentile",
]);
