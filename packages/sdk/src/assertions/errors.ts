import { ValidibotError } from "@validibot/contracts";

/** Where in a ruleset a problem is: which assertion, which field, and for CEL the position. */
export interface RulesetProblem {
  /** The ruleset's id, when it parsed far enough to have one. */
  ruleset_id: string | null;
  /** The assertion's id; null for a problem of the ruleset as a whole. */
  assertion_id: string | null;
  /** The field at fault: `cel`, `when`, `target`, `pattern`, `message`, `id`, ... */
  field: string;
  /** What is wrong, for people. */
  message: string;
  /** For CEL and templates: where in the field's text, 1-based line and column, 0-based offset. */
  position?: { offset: number; line: number; column: number };
}

/**
 * The `ruleset_invalid` error (400): its message names the first problem (assertion, field,
 * position) and `details.problems` lists them all.
 */
export function rulesetInvalid(problems: RulesetProblem[], source?: string): ValidibotError {
  const first = problems[0];
  const where = first ? describeProblem(first) : "the ruleset is invalid";
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : "";
  return new ValidibotError("ruleset_invalid", `${source ? `${source}: ` : ""}${where}${more}`, {
    details: { problems },
  });
}

/** One problem as a line: `ruleset r, assertion a, field cel (line 1, column 5): message`. */
export function describeProblem(problem: RulesetProblem): string {
  const parts: string[] = [];
  if (problem.ruleset_id) parts.push(`ruleset ${problem.ruleset_id}`);
  if (problem.assertion_id) parts.push(`assertion ${problem.assertion_id}`);
  parts.push(`field ${problem.field}`);
  const at = problem.position
    ? ` (line ${problem.position.line}, column ${problem.position.column})`
    : "";
  return `${parts.join(", ")}${at}: ${problem.message}`;
}

/** 1-based line and column of a 0-based offset in `text`. */
export function positionIn(
  text: string,
  offset: number,
): { offset: number; line: number; column: number } {
  const before = text.slice(0, Math.max(0, offset));
  const lines = before.split("\n");
  return { offset, line: lines.length, column: (lines.at(-1)?.length ?? 0) + 1 };
}

/** Thrown while evaluating one assertion: becomes its `assertion.error` finding, never a crash. */
export class AssertionEvalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AssertionEvalError";
  }
}
