import { celEnv, isCelError, isCelList, isCelMap, isCelUint, parse, plan } from "@bufbuild/cel";
import {
  bracketDepth,
  type CelExprNode,
  type CelShape,
  checkCel,
  MAX_AST_DEPTH,
} from "./cel-check";
import { RULESET_FUNCTIONS } from "./cel-functions";
import { AssertionEvalError } from "./errors";

const env = celEnv({ funcs: RULESET_FUNCTIONS });

/** A compiled CEL expression: run it on the signals; `left` evaluates a comparison's left side. */
export interface CelProgram {
  source: string;
  shape: CelShape;
  run(bindings: Record<string, unknown>): unknown;
  /** For `a <op> b` at the top: evaluates `a`, the value a message shows. */
  left: ((bindings: Record<string, unknown>) => unknown) | null;
}

/** Why an expression does not compile, at an offset in its text. */
export interface CelCompileError {
  message: string;
  offset: number;
}

const COMPARISONS = new Set(["_<_", "_<=_", "_>_", "_>=_", "_==_", "_!=_"]);

/** Compiles `source` for a stage whose signals are `allowedRoots`; never throws. */
export function compileCel(
  source: string,
  allowedRoots: ReadonlySet<string>,
): { program: CelProgram } | { errors: CelCompileError[] } {
  if (bracketDepth(source) > MAX_AST_DEPTH) {
    return { errors: [{ message: `nested deeper than ${MAX_AST_DEPTH} levels`, offset: 0 }] };
  }
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(source);
  } catch (error) {
    if (error instanceof RangeError)
      return { errors: [{ message: "nested too deeply", offset: 0 }] };
    const location = (error as { location?: { start?: { offset?: number } } }).location;
    const raw = (error as { rawMessage?: string }).rawMessage ?? (error as Error).message;
    return { errors: [{ message: `syntax error: ${raw}`, offset: location?.start?.offset ?? 0 }] };
  }
  const positions = Object.fromEntries(
    Object.entries(parsed.sourceInfo?.positions ?? {}).map(([id, at]) => [id, Number(at)]),
  );
  const { shape, problems } = checkCel(
    parsed.expr as unknown as CelExprNode,
    positions,
    allowedRoots,
  );
  if (problems.length > 0) return { errors: problems };
  let program: ReturnType<typeof plan>;
  let left: ReturnType<typeof plan> | null = null;
  try {
    program = plan(env, parsed);
    const top = parsed.expr.exprKind;
    if (top.case === "callExpr" && COMPARISONS.has(top.value.function) && top.value.args[0]) {
      left = plan(env, top.value.args[0]);
    }
  } catch (error) {
    return { errors: [{ message: `cannot compile: ${(error as Error).message}`, offset: 0 }] };
  }
  const runPlan = (p: ReturnType<typeof plan>, bindings: Record<string, unknown>) => {
    let result: unknown;
    try {
      result = p(bindings as never);
    } catch (error) {
      if (error instanceof AssertionEvalError) throw error;
      if (error instanceof RangeError) throw new AssertionEvalError("evaluation nested too deeply");
      throw new AssertionEvalError((error as Error).message);
    }
    if (isCelError(result)) {
      const cause = result.cause;
      if (cause instanceof AssertionEvalError) throw cause;
      throw new AssertionEvalError(result.message);
    }
    return toJs(result);
  };
  return {
    program: {
      source,
      shape,
      run: (bindings) => runPlan(program, bindings),
      left: left ? (bindings) => runPlan(left as ReturnType<typeof plan>, bindings) : null,
    },
  };
}

/** A CEL value as plain JSON-like JS: ints and uints as numbers, lists as arrays, maps as objects. */
export function toJs(value: unknown): unknown {
  if (typeof value === "bigint") return Number(value);
  if (isCelUint(value)) return Number(value.value);
  if (isCelList(value)) return [...value].map(toJs);
  if (isCelMap(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of value) out[String(isCelUint(k) ? k.value : k)] = toJs(v);
    return out;
  }
  return value;
}
