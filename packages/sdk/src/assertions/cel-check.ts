import { RULESET_FUNCTION_NAMES } from "./cel-functions";

/** The parts of a parsed CEL expression (`cel.expr.Expr`) this check reads. */
export interface CelExprNode {
  id: bigint;
  exprKind: { case: string | undefined; value?: unknown };
}

/** Deepest AST a ruleset expression may have: deeper ones are refused before evaluation. */
export const MAX_AST_DEPTH = 64;
/** Most AST nodes one expression may have. */
export const MAX_AST_NODES = 2000;

/** The functions and operators of standard CEL a ruleset may call. */
const STANDARD_FUNCTIONS = new Set([
  "_+_",
  "_-_",
  "_*_",
  "_/_",
  "_%_",
  "-_",
  "!_",
  "_==_",
  "_!=_",
  "_<_",
  "_<=_",
  "_>_",
  "_>=_",
  "_&&_",
  "_||_",
  "_?_:_",
  "_[_]",
  "@in",
  "@not_strictly_false",
  "size",
  "matches",
  "contains",
  "startsWith",
  "endsWith",
  "int",
  "uint",
  "double",
  "string",
  "bool",
  "bytes",
  "dyn",
  "type",
]);

/** A problem the static check found, at a node's offset in the source. */
export interface CelCheckProblem {
  message: string;
  offset: number;
}

/** What the static check learned: series columns named, and a cost shape for the estimate. */
export interface CelShape {
  /** Literal column names passed to `series()`. */
  series: Set<string>;
  /** Root signal names the expression reads. */
  roots: Set<string>;
  /** Cost as a polynomial in L (the bound on list sizes): coefficients by power of L. */
  cost: number[];
}

function add(a: number[], b: number[]): number[] {
  const out = a.length >= b.length ? [...a] : [...b];
  const other = a.length >= b.length ? b : a;
  other.forEach((c, i) => {
    out[i] = (out[i] ?? 0) + c;
  });
  return out;
}

function timesL(a: number[]): number[] {
  return [0, ...a];
}

/** Functions whose work grows with the size of their argument (a list or a string). */
const LINEAR_FUNCTIONS = new Set([
  "@in",
  "_+_",
  "_==_",
  "_!=_",
  "matches",
  "contains",
  "startsWith",
  "endsWith",
  "string",
  "min",
  "max",
  "mean",
  "percentile",
  "series",
]);

/**
 * Walks a parsed expression: refuses names that are not signals of the stage (`allowedRoots`) or
 * comprehension variables, functions that are neither standard CEL nor the ruleset helpers,
 * `series()` with anything but a literal column name, and ASTs over the depth and size limits.
 * Returns the shape used for the cost estimate.
 */
export function checkCel(
  root: CelExprNode,
  positions: Record<string, number>,
  allowedRoots: ReadonlySet<string>,
): { shape: CelShape; problems: CelCheckProblem[] } {
  const problems: CelCheckProblem[] = [];
  const shape: CelShape = { series: new Set(), roots: new Set(), cost: [0] };
  let nodes = 0;
  const offsetOf = (node: CelExprNode) => positions[String(node.id)] ?? 0;

  const visit = (
    node: CelExprNode | undefined,
    depth: number,
    bound: ReadonlySet<string>,
  ): number[] => {
    if (!node) return [0];
    nodes++;
    if (depth > MAX_AST_DEPTH) {
      if (problems.every((p) => !p.message.startsWith("nested"))) {
        problems.push({
          message: `nested deeper than ${MAX_AST_DEPTH} levels`,
          offset: offsetOf(node),
        });
      }
      return [1];
    }
    const value = node.exprKind.value as Record<string, unknown> | undefined;
    switch (node.exprKind.case) {
      case "constExpr":
        return [1];
      case "identExpr": {
        const name = String(value?.name);
        if (!bound.has(name)) {
          if (allowedRoots.has(name)) shape.roots.add(name);
          else problems.push({ message: unknownName(name, allowedRoots), offset: offsetOf(node) });
        }
        return [1];
      }
      case "selectExpr":
        return add([1], visit(value?.operand as CelExprNode, depth + 1, bound));
      case "callExpr": {
        const fn = String(value?.function);
        const args = (value?.args ?? []) as CelExprNode[];
        if (!STANDARD_FUNCTIONS.has(fn) && !RULESET_FUNCTION_NAMES.has(fn)) {
          problems.push({ message: `unknown function ${fn}()`, offset: offsetOf(node) });
        }
        if (fn === "series") {
          const arg = args[0]?.exprKind;
          const literal =
            args.length === 1 && arg?.case === "constExpr"
              ? (arg.value as { constantKind?: { case?: string; value?: unknown } }).constantKind
              : undefined;
          if (literal?.case === "stringValue") shape.series.add(String(literal.value));
          else
            problems.push({
              message: "series() takes one literal column name",
              offset: offsetOf(node),
            });
          if (!allowedRoots.has("outputs")) {
            problems.push({
              message: "series() is only available at the output stage",
              offset: offsetOf(node),
            });
          }
        }
        let cost: number[] = LINEAR_FUNCTIONS.has(fn) ? [1, 1] : [1];
        if (value?.target) cost = add(cost, visit(value.target as CelExprNode, depth + 1, bound));
        for (const arg of args) cost = add(cost, visit(arg, depth + 1, bound));
        return cost;
      }
      case "listExpr": {
        let cost = [1];
        for (const el of (value?.elements ?? []) as CelExprNode[])
          cost = add(cost, visit(el, depth + 1, bound));
        return cost;
      }
      case "structExpr": {
        let cost = [1];
        for (const entry of (value?.entries ?? []) as {
          keyKind: { case?: string; value?: unknown };
          value: CelExprNode;
        }[]) {
          if (entry.keyKind.case === "mapKey")
            cost = add(cost, visit(entry.keyKind.value as CelExprNode, depth + 1, bound));
          cost = add(cost, visit(entry.value, depth + 1, bound));
        }
        if (value?.messageName)
          problems.push({ message: "message literals are not available", offset: offsetOf(node) });
        return cost;
      }
      case "comprehensionExpr": {
        const inner = new Set(bound);
        for (const v of [value?.iterVar, value?.iterVar2, value?.accuVar])
          if (typeof v === "string" && v) inner.add(v);
        const range = visit(value?.iterRange as CelExprNode, depth + 1, bound);
        const init = visit(value?.accuInit as CelExprNode, depth + 1, inner);
        const body = add(
          visit(value?.loopCondition as CelExprNode, depth + 1, inner),
          visit(value?.loopStep as CelExprNode, depth + 1, inner),
        );
        const result = visit(value?.result as CelExprNode, depth + 1, inner);
        return add(add(add(range, init), timesL(body)), result);
      }
      default:
        problems.push({ message: "unsupported expression", offset: offsetOf(node) });
        return [1];
    }
  };
  shape.cost = visit(root, 0, new Set());
  if (nodes > MAX_AST_NODES) {
    problems.push({ message: `more than ${MAX_AST_NODES} expression nodes`, offset: 0 });
  }
  return { shape, problems };
}

function unknownName(name: string, allowed: ReadonlySet<string>): string {
  return `unknown name ${name}: this stage offers ${[...allowed].sort().join(", ")}`;
}

/** The cost estimate for lists of at most `listBound` elements; capped instead of overflowing. */
export function estimateCost(cost: readonly number[], listBound: number): number {
  let total = 0;
  let power = 1;
  for (const c of cost) {
    total += c * power;
    power *= Math.max(1, listBound);
    if (!Number.isFinite(total) || total > Number.MAX_SAFE_INTEGER) return Number.MAX_SAFE_INTEGER;
  }
  return total;
}

/** Deepest bracket nesting of `text` outside string literals: checked before parsing. */
export function bracketDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quote) {
      if (c === "\\") i++;
      else if (c === quote) quote = null;
      continue;
    }
    if (c === "'" || c === '"') quote = c;
    else if (c === "(" || c === "[" || c === "{") deepest = Math.max(deepest, ++depth);
    else if (c === ")" || c === "]" || c === "}") depth--;
  }
  return deepest;
}
